package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.TinyCheckpoints;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindow;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python example (clients/python/ectstream_client.py, Debian's python3-confluent-kafka and python3-avro) against a
 * real sampler serving a tiny real checkpoint: it asks for images, gets every chunk with the sampler's PNG bytes, and
 * reads a FID report. Python and its packages are part of the test set-up (.ci/run installs them): without them the
 * test fails and names the packages.
 */
@BrokerTest
class PythonClientKafkaTest {
    /** Debian's interpreter: the one apt's python3-* packages are installed for. */
    private static final String PYTHON = System.getProperty("ectstream.python", "/usr/bin/python3");

    private static final Path CLIENT = Path.of("..", "clients", "python", "ectstream_client.py");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void pythonClientGetsItsImagesAndReadsAFidReport(KafkaCluster kafka) throws Exception {
        requirePythonPackages();
        Path store = Files.createDirectories(dir.resolve("store"));
        String fidTopic = "py.ect.eval.fid";
        kafka.createTopics(1, fidTopic);
        try (SamplerHarness h = new SamplerHarness(kafka, "py", store, 2);
                TopicReader<GenerationResult> results = h.results()) {
            CheckpointEvent event = TinyCheckpoints.write(store, "tiny", 10, 1);
            h.sendCheckpoint(event);
            h.send(fidTopic, "tiny@10", new AvroCodec<>(FidReport.class).encode(fidReport(event)));
            try (SamplerService service =
                    SamplerService.start(h.config("py", 4, 5), new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(service.awaitRecovery(WAIT));
                Path out = dir.resolve("images");
                List<JsonObject> lines = python(
                        kafka,
                        "generate",
                        "--run",
                        "tiny",
                        "--count",
                        "5",
                        "--steps",
                        "2",
                        "--seed",
                        "31",
                        "--request-id",
                        "py-1",
                        "--out",
                        out.toString(),
                        "--requests-topic",
                        h.topics().requests(),
                        "--results-topic",
                        h.topics().results(),
                        "--errors-topic",
                        h.topics().errors());

                // 5 images at batches of 4: two chunks, each printed once.
                assertEquals(2, lines.size(), lines.toString());
                Set<Integer> chunks = new TreeSet<>();
                int images = 0;
                for (JsonObject line : lines) {
                    assertEquals("GenerationResult", line.getString("record"));
                    assertEquals("py-1", line.getString("requestId"));
                    assertEquals(2, line.getInteger("chunkCount"));
                    assertEquals(31L, line.getLong("seed"));
                    assertEquals(10L, line.getJsonObject("modelVersion").getLong("step"));
                    assertEquals(
                            event.getSha256(),
                            line.getJsonObject("modelVersion").getString("sha256"));
                    chunks.add(line.getInteger("chunkIndex"));
                    images += line.getInteger("imageCount");
                }
                assertEquals(Set.of(0, 1), chunks);
                assertEquals(5, images);

                // The PNG files it wrote are the bytes the sampler sent.
                for (TopicReader.Read<GenerationResult> read : results.awaitCount(2, WAIT)) {
                    GenerationResult chunk = read.value();
                    for (int i = 0; i < chunk.getImages().size(); i++) {
                        Path png = out.resolve(String.format("py-1-%04d.png", chunk.getFirstImageIndex() + i));
                        assertArrayEquals(
                                SamplerKafkaTest.bytes(chunk.getImages().get(i)), Files.readAllBytes(png));
                    }
                }
                try (Stream<Path> files = Files.list(out)) {
                    assertEquals(5, files.count());
                }
            }
        }

        List<JsonObject> reports = python(kafka, "fid", "--run", "tiny", "--fid-topic", fidTopic);
        assertEquals(1, reports.size(), reports.toString());
        JsonObject report = reports.get(0);
        assertEquals("FidReport", report.getString("record"));
        assertEquals("tiny", report.getJsonObject("modelVersion").getString("runId"));
        assertEquals(10L, report.getJsonObject("modelVersion").getLong("step"));
        assertEquals("ECT", report.getJsonObject("modelVersion").getString("phase"));
        assertEquals("ECT", report.getString("sampler"));
        assertEquals(2, report.getInteger("networkEvaluations"));
        assertEquals("EVALUATION", report.getString("purpose"));
        assertEquals(256L, report.getLong("numSamples"));
        assertEquals(12.625, report.getDouble("fid"));
        assertEquals("ALL", report.getJsonObject("window").getString("kind"));
        assertEquals(1280L, report.getLong("imagesSeen"));
        assertEquals("2026-11-30T12:00:00+00:00", report.getString("createdAt"));
    }

    private static FidReport fidReport(CheckpointEvent event) {
        return FidReport.newBuilder()
                .setModelVersion(new ModelVersion("tiny", 10L, Phase.ECT, event.getSha256()))
                .setSampler(SamplerKind.ECT)
                .setNetworkEvaluations(2)
                .setPurpose(TrafficPurpose.EVALUATION)
                .setNumSamples(256L)
                .setFid(12.625)
                .setFeatureExtractorId("feature-net:test")
                .setReferenceStatsId("reference:test")
                .setWindow(new FidWindow(FidWindowKind.ALL, 256L))
                .setImagesSeen(1280L)
                .setCreatedAt(Instant.parse("2026-11-30T12:00:00Z"))
                .build();
    }

    /** Runs the client; its JSON lines, after it exited 0. */
    private List<JsonObject> python(KafkaCluster kafka, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                PYTHON,
                "-B",
                CLIENT.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--timeout-s",
                "120"));
        command.addAll(List.of(args));
        Path err = dir.resolve(args[0] + "-stderr.txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the Python client did not finish");
        assertEquals(0, p.exitValue(), "python " + String.join(" ", args) + ":\n" + out + Files.readString(err));
        return out.lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
    }

    private static void requirePythonPackages() throws Exception {
        String missing = "the Python client test needs Debian's python3, python3-confluent-kafka and python3-avro"
                + " (apt-get install python3 python3-confluent-kafka python3-avro; .ci/run installs them)";
        Process p;
        try {
            p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka, avro")
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            throw new AssertionError(missing + ": cannot run " + PYTHON + " (" + e.getMessage() + ")", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), PYTHON + " did not answer");
        assertEquals(0, p.exitValue(), missing + ": " + output.strip());
    }
}
