package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededImageGenerator;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ModelSelector;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service against the real broker, with the seeded test model (pixels a pure function of salt and seed). */
@BrokerTest
class SamplerKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void requestThroughKafkaReturnsItsImagesInChunks(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "roundtrip", store, 2);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationResult> replies = h.results(replyTopic(kafka))) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 3, 77));
            try (SamplerService service = SamplerService.start(h.config("roundtrip", 4, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("ten", "run-a", 10, 2, 4242L)
                        .setTMid(1.25)
                        .build());
                h.sendRequest(Requests.request("reply", "run-a", 1, 1, 5L)
                        .setReplyTopic("ect.results.roundtrip")
                        .build());

                List<GenerationResult> chunks = results.awaitCount(3, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .sorted(Comparator.comparingInt(GenerationResult::getChunkIndex))
                        .toList();
                assertEquals(
                        List.of(0, 1, 2),
                        chunks.stream().map(GenerationResult::getChunkIndex).toList());
                assertEquals(
                        List.of(0, 4, 8),
                        chunks.stream()
                                .map(GenerationResult::getFirstImageIndex)
                                .toList());
                assertEquals(
                        List.of(4, 4, 2),
                        chunks.stream().map(c -> c.getImages().size()).toList());
                SamplerSettings settings = SamplerSettings.ect(2, 1.25);
                for (GenerationResult chunk : chunks) {
                    assertEquals("ten", chunk.getRequestId());
                    assertEquals(3, chunk.getChunkCount());
                    assertEquals(3L, chunk.getModelVersion().getStep());
                    assertEquals(4242L, chunk.getSeed());
                    assertEquals(2, chunk.getNetworkEvaluations());
                    assertEquals(1.25, chunk.getTMid());
                    assertEquals(8, chunk.getHeight());
                    for (int i = 0; i < chunk.getImages().size(); i++) {
                        int index = chunk.getFirstImageIndex() + i;
                        assertArrayEquals(
                                SeededImageGenerator.image(77, NoiseSeeds.forImage(4242L, index), settings),
                                bytes(chunk.getImages().get(i)),
                                "image " + index);
                    }
                    assertTrue(chunk.getTimings().getTotalMs()
                            >= chunk.getTimings().getGenerationMs());
                }
                GenerationResult reply = replies.awaitCount(1, WAIT).get(0).value();
                assertEquals("reply", reply.getRequestId());
                assertNull(reply.getTMid(), "1-step results carry no t_mid");
                assertArrayEquals(
                        SeededImageGenerator.image(77, NoiseSeeds.forImage(5L, 0), SamplerSettings.ect(1)),
                        bytes(reply.getImages().get(0)));
                kafka.awaitCaughtUp("roundtrip", List.of(h.topics().requests()), WAIT); // both answered
                assertEquals(3, results.readToEnd().size(), "no extra results on the default topic");
            }
        }
    }

    private static String replyTopic(KafkaCluster kafka) {
        kafka.createTopics(1, "ect.results.roundtrip");
        return "ect.results.roundtrip";
    }

    /** One bad input per row: what to send, the error code and request id expected. */
    private record Bad(String name, byte[] bytes, ErrorCode code, String requestId, String reasonContains) {}

    @Test
    void everyBadInputGetsItsErrorAndTheServiceKeepsServing(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "badinput", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            List<Bad> table = List.of(
                    new Bad(
                            "garbage",
                            "not avro at all".getBytes(StandardCharsets.UTF_8),
                            ErrorCode.UNDECODABLE,
                            null,
                            "GenerationRequest"),
                    new Bad("empty", new byte[0], ErrorCode.UNDECODABLE, null, "GenerationRequest"),
                    new Bad(
                            "wrong record type",
                            SamplerHarness.CHECKPOINTS.encode(Checkpoints.seeded(store, "x", 1, 1)),
                            ErrorCode.UNDECODABLE,
                            null,
                            "schema"),
                    new Bad("truncated", truncated(), ErrorCode.UNDECODABLE, null, "GenerationRequest"),
                    new Bad(
                            "registry framing",
                            new byte[] {0, 0, 0, 0, 7, 2, 'a'},
                            ErrorCode.UNDECODABLE,
                            null,
                            "--wire-format registry"),
                    bad("steps 3", Requests.request("steps3", "run-a", 1, 3, 1L), ErrorCode.INVALID_REQUEST, "steps"),
                    bad(
                            "numImages 0",
                            Requests.request("zero", "run-a", 0, 1, 1L),
                            ErrorCode.INVALID_REQUEST,
                            "numImages"),
                    bad(
                            "numImages too many",
                            Requests.request("many", "run-a", 65, 1, 1L),
                            ErrorCode.INVALID_REQUEST,
                            "numImages"),
                    bad(
                            "t_mid 0",
                            Requests.request("tmid0", "run-a", 1, 2, 1L).setTMid(0.0),
                            ErrorCode.INVALID_REQUEST,
                            "tMid"),
                    bad(
                            "t_mid 80",
                            Requests.request("tmid80", "run-a", 1, 2, 1L).setTMid(80.0),
                            ErrorCode.INVALID_REQUEST,
                            "tMid"),
                    bad(
                            "bad reply topic",
                            Requests.request("topic", "run-a", 1, 1, 1L).setReplyTopic("no spaces allowed"),
                            ErrorCode.INVALID_REQUEST,
                            "replyTopic"),
                    bad("blank id", Requests.request("", "run-a", 1, 1, 1L), ErrorCode.INVALID_REQUEST, "requestId"),
                    bad(
                            "unknown run",
                            Requests.request("unknown", "run-zzz", 1, 1, 1L),
                            ErrorCode.UNKNOWN_MODEL,
                            "run-zzz"),
                    bad(
                            "unknown step",
                            Requests.request("step9", "run-a", 1, 1, 1L).setModel(new ModelSelector("run-a", 9L)),
                            ErrorCode.UNKNOWN_MODEL,
                            "step 9"));

            try (SamplerService service = SamplerService.start(h.config("badinput", 8, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                List<RecordMetadata> sent = new ArrayList<>();
                for (Bad bad : table) {
                    sent.add(h.send(h.topics().requests(), "k-" + bad.name(), bad.bytes()));
                }
                h.sendRequest(
                        Requests.request("still-serving", "run-a", 2, 1, 9L).build());

                List<GenerationError> got = errors.awaitCount(table.size(), WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                Map<Long, GenerationError> byOffset =
                        got.stream().collect(Collectors.toMap(GenerationError::getSourceOffset, e -> e));
                for (int i = 0; i < table.size(); i++) {
                    Bad bad = table.get(i);
                    GenerationError e = byOffset.get(sent.get(i).offset());
                    assertEquals(bad.code(), e.getCode(), bad.name());
                    assertEquals(bad.requestId(), e.getRequestId(), bad.name());
                    assertTrue(e.getReason().contains(bad.reasonContains()), bad.name() + ": " + e.getReason());
                    assertEquals(h.topics().requests(), e.getSourceTopic());
                    assertEquals(0, e.getSourcePartition());
                    assertArrayEquals(bad.bytes(), bytes(e.getOriginalBytes()), bad.name() + ": original bytes");
                    assertEquals("sampler-service", e.getComponent());
                }
                GenerationResult ok = results.awaitCount(1, WAIT).get(0).value();
                assertEquals("still-serving", ok.getRequestId());
                assertEquals(2, ok.getImages().size());
                assertTrue(
                        service.metrics().scrape().contains("ect_sampler_errors_total{code=\"INVALID_REQUEST\"} 7.0"),
                        "errors are counted by code");
            }
        }
    }

    private static Bad bad(String name, GenerationRequest.Builder request, ErrorCode code, String field) {
        GenerationRequest r = request.build();
        return new Bad(name, SamplerHarness.REQUESTS.encode(r), code, r.getRequestId(), field);
    }

    private static byte[] truncated() {
        byte[] full = SamplerHarness.REQUESTS.encode(
                Requests.request("cut", "run-a", 1, 1, 1L).build());
        return java.util.Arrays.copyOf(full, 14);
    }

    @Test
    void startRecoversTheNewestCheckpointOfEachRunAndRejectsBadOnes(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "recovery", store, 1);
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 1));
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 3, 3));
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 2, 2));
            h.sendCheckpoint(Checkpoints.seeded(store, "run-b", 7, 7));
            SeededModelLoader loader = new SeededModelLoader();
            try (SamplerService service = SamplerService.start(h.config("recovery", 8, 5), loader)) {
                assertTrue(service.awaitRecovery(WAIT));
                assertEquals(3L, service.registry().current("run-a").version().getStep());
                assertEquals(7L, service.registry().current("run-b").version().getStep());
                assertEquals(2, loader.loaded().size(), "only the newest checkpoint of each run is loaded");

                CheckpointEvent tampered = Checkpoints.seeded(store, "run-a", 4, 4);
                tampered.setSha256("ab".repeat(32));
                RecordMetadata at = h.sendCheckpoint(tampered);
                CheckpointEvent escaping = Checkpoints.seeded(store, "run-a", 5, 5);
                escaping.setCheckpointUri("../../etc/passwd");
                h.sendCheckpoint(escaping);
                List<GenerationError> got = errors.awaitCount(2, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                assertEquals(ErrorCode.CHECKPOINT_REJECTED, got.get(0).getCode());
                assertTrue(
                        got.get(0).getReason().contains("SHA-256"), got.get(0).getReason());
                assertEquals(at.offset(), got.get(0).getSourceOffset());
                assertArrayEquals(
                        SamplerHarness.CHECKPOINTS.encode(tampered),
                        bytes(got.get(0).getOriginalBytes()));
                assertTrue(
                        got.get(1).getReason().contains("outside the store root"),
                        got.get(1).getReason());
                assertEquals(
                        3L,
                        service.registry().current("run-a").version().getStep(),
                        "a rejected checkpoint keeps the old model");

                h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 6, 6));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (service.registry().current("run-a").version().getStep() != 6L && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(
                        6L, service.registry().current("run-a").version().getStep(), "a new checkpoint is hot-loaded");
                // the swap makes step 6 current before the replaced model is released: wait for that release
                while (!loader.loaded().get(0).isClosed() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(loader.loaded().get(0).isClosed(), "the replaced model is closed once nothing uses it");
                String metrics = service.metrics().scrape();
                assertTrue(metrics.contains("ect_sampler_model_loads_total{outcome=\"failed\"} 2.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_model_loads_total{outcome=\"loaded\"} 3.0"), metrics);
            }
        }
    }

    @Test
    void failingForwardPassIsAnsweredWithAnInternalErrorAndTheOffsetMovesOn(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "broken", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "broken", 1, SeededImageGenerator.BROKEN));
            h.sendCheckpoint(Checkpoints.seeded(store, "fine", 1, 1));
            try (SamplerService service = SamplerService.start(h.config("broken", 4, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                RecordMetadata at = h.sendRequest(
                        Requests.request("doomed", "broken", 6, 1, 1L).build());
                h.sendRequest(Requests.request("fine", "fine", 1, 1, 1L).build());
                GenerationError error = errors.awaitCount(1, WAIT).get(0).value();
                assertEquals(ErrorCode.INTERNAL, error.getCode());
                assertEquals("doomed", error.getRequestId());
                assertTrue(error.getReason().contains("fails every forward pass"), error.getReason());
                assertEquals(at.offset(), error.getSourceOffset());
                kafka.awaitCaughtUp("broken", List.of(h.topics().requests()), WAIT); // both answered
                assertEquals(1, errors.readToEnd().size(), "one error per request, not one per chunk");
                assertEquals("fine", results.awaitCount(1, WAIT).get(0).value().getRequestId());
            }
        }
    }
}
