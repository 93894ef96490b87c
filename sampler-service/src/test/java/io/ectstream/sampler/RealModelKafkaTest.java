package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.GatedLoader;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.TinyCheckpoints;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with real checkpoints (a tiny randomly initialised SongUNet written by core's
 * CheckpointWriter, see {@link TinyCheckpoints}) loaded by core's CheckpointModelLoader, on the real broker.
 */
@BrokerTest
class RealModelKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Image i of a request, generated in-process one image at a time, as the reference. */
    private static byte[] reference(ImageGenerator model, long seed, int index, SamplerSettings settings) {
        return model.generate(new long[] {NoiseSeeds.forImage(seed, index)}, settings)[0];
    }

    private static ImageGenerator loadDirect(Path store, CheckpointEvent event) throws Exception {
        return new CheckpointModelLoader(Device.cpu())
                .load(
                        store.resolve(event.getCheckpointUri()),
                        new CheckpointExpectation(event.getSha256(), event.getSizeBytes(), event.getNetwork()));
    }

    /** Sum over partitions of the group's committed positions (0 where nothing is committed). */
    private static long committed(KafkaCluster kafka, String group) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .filter(java.util.Objects::nonNull)
                    .mapToLong(o -> o.offset())
                    .sum();
        }
    }

    private static Map<String, List<GenerationResult>> byRequest(List<TopicReader.Read<GenerationResult>> reads) {
        return reads.stream().map(TopicReader.Read::value).collect(Collectors.groupingBy(r -> r.getRequestId()));
    }

    private static boolean complete(Map<String, List<GenerationResult>> results, Set<String> ids) {
        return ids.stream()
                .allMatch(id -> results.containsKey(id)
                        && results.get(id).stream()
                                        .map(GenerationResult::getChunkIndex)
                                        .distinct()
                                        .count()
                                == results.get(id).get(0).getChunkCount());
    }

    @Test
    void pngImagesThroughKafkaMatchTheModelRunInProcess(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "real", store, 2);
                TopicReader<GenerationResult> results = h.results()) {
            CheckpointEvent event = TinyCheckpoints.write(store, "tiny", 10, 1);
            h.sendCheckpoint(event);
            try (SamplerService service =
                            SamplerService.start(h.config("real", 8, 5), new CheckpointModelLoader(Device.cpu()));
                    ImageGenerator direct = loadDirect(store, event)) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("png", "tiny", 3, 2, 31L)
                        .setOutputFormat(ImageFormat.PNG)
                        .build());
                GenerationResult result = results.awaitCount(1, WAIT).get(0).value();
                assertEquals(10L, result.getModelVersion().getStep());
                assertEquals(event.getSha256(), result.getModelVersion().getSha256());
                Set<String> distinct = new HashSet<>();
                for (int i = 0; i < 3; i++) {
                    byte[] pixels = ImageCodec.fromPng(bytes(result.getImages().get(i)), 1);
                    assertArrayEquals(reference(direct, 31L, i, SamplerSettings.ect(2)), pixels, "image " + i);
                    distinct.add(java.util.Arrays.toString(pixels));
                }
                assertEquals(3, distinct.size(), "different seeds give different images");
            }
        }
    }

    @Test
    void sameRequestGivesTheSameBytesWhateverTheBatchComposition(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "compose", store, 1);
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(TinyCheckpoints.write(store, "tiny", 1, 2));
            Map<String, byte[][]> images = new HashMap<>();
            // Composition 1: one image per forward pass. Composition 2: batches of 16 shared with other requests.
            int[][] compositions = {{1, 0}, {16, 300}};
            List<List<Integer>> batchSizes = new ArrayList<>();
            for (int c = 0; c < compositions.length; c++) {
                GatedLoader loader = new GatedLoader(new CheckpointModelLoader(Device.cpu()), new Gate());
                String id = "target-" + c;
                Set<String> wanted = Set.of(id, "other-a-" + c, "other-b-" + c);
                try (SamplerService service = SamplerService.start(
                        h.config("compose-" + c, compositions[c][0], compositions[c][1]), loader)) {
                    assertTrue(service.awaitRecovery(WAIT));
                    h.sendRequest(Requests.request("other-a-" + c, "tiny", 5, 2, 1000L + c)
                            .build());
                    h.sendRequest(Requests.request(id, "tiny", 4, 2, 777L).build());
                    h.sendRequest(Requests.request("other-b-" + c, "tiny", 6, 2, 2000L + c)
                            .build());
                    Map<String, List<GenerationResult>> got =
                            byRequest(results.awaitUntil(r -> complete(byRequest(r), wanted), WAIT));
                    byte[][] target = new byte[4][];
                    for (GenerationResult chunk : got.get(id)) {
                        for (int i = 0; i < chunk.getImages().size(); i++) {
                            target[chunk.getFirstImageIndex() + i] =
                                    bytes(chunk.getImages().get(i));
                        }
                    }
                    images.put(id, target);
                    batchSizes.add(loader.loaded().get(0).batchSizes());
                }
            }
            assertTrue(
                    batchSizes.get(0).stream().allMatch(n -> n == 1),
                    "composition 1 runs single images: " + batchSizes.get(0));
            assertTrue(
                    batchSizes.get(1).stream().anyMatch(n -> n > 4),
                    "composition 2 shares forward passes with the other requests: " + batchSizes.get(1));
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(images.get("target-0")[i], images.get("target-1")[i], "image " + i);
            }
            assertNotEquals(
                    java.util.Arrays.toString(images.get("target-0")[0]),
                    java.util.Arrays.toString(images.get("target-0")[1]));
        }
    }

    @Test
    void hotSwapWhileRequestsAreInFlightAnswersEachOnceByOneVersion(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "swap", store, 2);
                TopicReader<GenerationResult> results = h.results()) {
            CheckpointEvent v1 = TinyCheckpoints.write(store, "tiny", 1, 11);
            CheckpointEvent v2 = TinyCheckpoints.write(store, "tiny", 2, 22);
            h.sendCheckpoint(v1);
            Gate gate = new Gate();
            GatedLoader loader = new GatedLoader(new CheckpointModelLoader(Device.cpu()), gate);
            try (SamplerService service = SamplerService.start(h.config("swap", 4, 20), loader);
                    ImageGenerator direct1 = loadDirect(store, v1);
                    ImageGenerator direct2 = loadDirect(store, v2)) {
                assertTrue(service.awaitRecovery(WAIT));
                gate.close();
                Set<String> before = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    before.add("before-" + i);
                    h.sendRequest(Requests.request("before-" + i, "tiny", 1 + i % 3, 1 + i % 2, i)
                            .build());
                }
                assertTrue(gate.awaitEntered(20_000), "a batch of the old model is in flight");
                h.sendCheckpoint(v2);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (service.registry().current("tiny").version().getStep() != 2L && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(
                        2L,
                        service.registry().current("tiny").version().getStep(),
                        "swapped while step 1 batches wait");
                assertFalse(loader.loaded().get(0).isClosed(), "the old model lives while its batches are in flight");
                Set<String> after = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    after.add("after-" + i);
                    h.sendRequest(Requests.request("after-" + i, "tiny", 1 + i % 3, 2, 100 + i)
                            .build());
                }
                gate.open();
                Set<String> all = new HashSet<>(before);
                all.addAll(after);
                results.awaitUntil(r -> complete(byRequest(r), all), WAIT);
                kafka.awaitCaughtUp("swap", List.of(h.topics().requests()), WAIT); // every request answered
                Map<String, List<GenerationResult>> got = byRequest(results.readToEnd());
                assertEquals(all, got.keySet());
                for (Map.Entry<String, List<GenerationResult>> e : got.entrySet()) {
                    List<GenerationResult> chunks = e.getValue();
                    assertEquals(chunks.get(0).getChunkCount(), chunks.size(), e.getKey() + " answered exactly once");
                    Set<Long> versions = chunks.stream()
                            .map(c -> c.getModelVersion().getStep())
                            .collect(Collectors.toSet());
                    assertEquals(1, versions.size(), e.getKey() + " served by one version");
                    long step = versions.iterator().next();
                    assertEquals(before.contains(e.getKey()) ? 1L : 2L, step, e.getKey());
                    ImageGenerator reference = step == 1L ? direct1 : direct2;
                    for (GenerationResult chunk : chunks) {
                        SamplerSettings settings = SamplerSettings.ect(chunk.getNetworkEvaluations());
                        for (int i = 0; i < chunk.getImages().size(); i++) {
                            assertArrayEquals(
                                    reference(reference, chunk.getSeed(), chunk.getFirstImageIndex() + i, settings),
                                    bytes(chunk.getImages().get(i)),
                                    e.getKey() + " image " + i + " from step " + step);
                        }
                    }
                }
                long closing =
                        System.nanoTime() + WAIT.toNanos(); // the release follows the batch's hand-off to the publisher
                while (!loader.loaded().get(0).isClosed() && System.nanoTime() < closing) {
                    Thread.sleep(20);
                }
                assertTrue(loader.loaded().get(0).isClosed(), "the old model is closed once its last batch finished");
                assertFalse(loader.loaded().get(1).isClosed());
            }
        }
    }

    @Test
    void killedInTheMiddleOfABatchTheNextInstanceAnswersEveryRequest(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "kill", store, 2);
                TopicReader<GenerationResult> results = h.results()) {
            CheckpointEvent event = TinyCheckpoints.write(store, "tiny", 5, 5);
            h.sendCheckpoint(event);
            Gate gate = new Gate();
            gate.close();
            SamplerService first = SamplerService.start(
                    h.config("kill", 4, 20), new GatedLoader(new CheckpointModelLoader(Device.cpu()), gate));
            assertTrue(first.awaitRecovery(WAIT));
            Set<String> ids = new HashSet<>();
            int images = 0;
            for (int i = 0; i < 5; i++) {
                ids.add("k-" + i);
                images += 1 + i;
                h.sendRequest(
                        Requests.request("k-" + i, "tiny", 1 + i, 1, 50 + i).build());
            }
            assertTrue(gate.awaitEntered(20_000), "a batch is in the middle of its forward pass");
            assertEquals(0L, committed(kafka, "kill"), "nothing is committed while no result is written");
            CompletableFuture<Void> killed = CompletableFuture.runAsync(first::kill);
            try {
                killed.get(3, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stillClosing) {
                // Vert.x may wait for the blocked worker: let the forward pass end after the clients closed.
            }
            gate.open();
            killed.get(30, TimeUnit.SECONDS);
            assertTrue(results.readToEnd().isEmpty(), "the killed instance answered nothing");

            GatedLoader secondLoader = new GatedLoader(new CheckpointModelLoader(Device.cpu()), new Gate());
            try (SamplerService second = SamplerService.start(h.config("kill", 4, 20), secondLoader);
                    ImageGenerator direct = loadDirect(store, event)) {
                assertTrue(second.awaitRecovery(WAIT));
                results.awaitUntil(r -> complete(byRequest(r), ids), WAIT);
                kafka.awaitCaughtUp("kill", List.of(h.topics().requests()), WAIT); // every request answered
                Map<String, List<GenerationResult>> got = byRequest(results.readToEnd());
                assertEquals(ids, got.keySet());
                assertEquals(
                        images,
                        secondLoader.loaded().get(0).images(),
                        "every request was redelivered to the new instance (nothing had been committed)");
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (committed(kafka, "kill") < 5 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(5L, committed(kafka, "kill"), "once answered, all 5 requests are committed");
                for (List<GenerationResult> chunks : got.values()) {
                    assertEquals(chunks.get(0).getChunkCount(), chunks.size());
                    for (GenerationResult chunk : chunks) {
                        for (int i = 0; i < chunk.getImages().size(); i++) {
                            assertArrayEquals(
                                    reference(
                                            direct,
                                            chunk.getSeed(),
                                            chunk.getFirstImageIndex() + i,
                                            SamplerSettings.ect(1)),
                                    bytes(chunk.getImages().get(i)));
                        }
                    }
                }
            }
        }
    }
}
