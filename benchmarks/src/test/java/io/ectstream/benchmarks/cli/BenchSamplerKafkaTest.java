package io.ectstream.benchmarks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.support.SamplerHarness;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bench-sampler on the CPU against the real broker, in both multi-generator shapes, with the tiny network. */
@BrokerTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BenchSamplerKafkaTest {
    @TempDir
    Path dir;

    private static final String[] LOAD = {
        "--network",
        "tiny",
        "--max-batch",
        "4",
        "--images-per-request",
        "2",
        "--requests",
        "12",
        "--window",
        "4",
        "--latency-requests",
        "3"
    };

    private static int bench(KafkaCluster kafka, String... args) {
        String[] all = Stream.concat(
                        Stream.of("--bootstrap-servers", kafka.bootstrapServers()),
                        Stream.concat(Stream.of(LOAD), Stream.of(args)))
                .toArray(String[]::new);
        return new CommandLine(new BenchSamplerCommand()).execute(all);
    }

    /** One process, two generators (cpu,cpu): one request partition, both generators ran batches, none answered twice. */
    @Test
    void oneProcessWithTwoGenerators(KafkaCluster kafka) throws Exception {
        Path json = dir.resolve("one.json");
        assertEquals(
                0,
                bench(
                        kafka,
                        "--device",
                        "cpu,cpu",
                        "--work-dir",
                        dir.resolve("w1").toString(),
                        "--json",
                        json.toString()));
        JsonObject report = new JsonObject(Files.readString(json));
        assertEquals(1, report.getInteger("requestPartitions"));
        assertEquals(List.of("cpu()", "cpu()"), report.getJsonArray("devices").getList());
        assertEquals(0L, report.getLong("duplicateAnswers"));
        List<?> batches = report.getJsonArray("batchesPerGenerator").getList();
        assertEquals(2, batches.size());
        assertTrue(((Number) batches.get(0)).longValue() + ((Number) batches.get(1)).longValue() >= 3 * 12 * 2 / 4);
        assertTrue(report.getDouble("endToEndImagesPerSecond") > 0);
        assertTrue(report.getDouble("inProcessImagesPerSecond") > 0);
        assertTrue(report.getDouble("loadedLatencyP99Ms") >= report.getDouble("loadedLatencyP50Ms"));
        assertTrue(report.getDouble("oneImageLatencyP99Ms") >= report.getDouble("oneImageLatencyP50Ms"));
        assertEveryRoundAndTheMaxLatencyReported(report);
    }

    /** A median of rounds and a p99 hide a stall: every round and the slowest request are in the report. */
    private static void assertEveryRoundAndTheMaxLatencyReported(JsonObject report) {
        List<Double> rounds = report.getJsonArray("endToEndRoundsImagesPerSecond").stream()
                .map(r -> ((Number) r).doubleValue())
                .sorted()
                .toList();
        assertEquals(3, rounds.size());
        assertEquals(rounds.get(1), report.getDouble("endToEndImagesPerSecond"), "the figure is the median round");
        assertTrue(report.getDouble("loadedLatencyMaxMs") >= report.getDouble("loadedLatencyP99Ms"));
        assertTrue(report.getDouble("oneImageLatencyMaxMs") >= report.getDouble("oneImageLatencyP99Ms"));
    }

    /** Two sampler processes (here two services) in one group: bench-sampler gives the request topic two partitions. */
    @Test
    void twoExternalSamplersInOneGroup(KafkaCluster kafka) throws Exception {
        Path work = dir.resolve("w2");
        Path store = Files.createDirectories(work.resolve("store"));
        String prefix = "two";
        kafka.createTopics(2, prefix + ".requests", prefix + ".evaluation-requests");
        kafka.createTopics(1, prefix + ".checkpoints", prefix + ".results", prefix + ".errors");
        Topics d = Topics.defaults();
        Topics topics = Topics.defaults()
                .with(TopicRole.CHECKPOINTS, prefix + ".checkpoints")
                .with(TopicRole.REQUESTS, prefix + ".requests")
                .with(TopicRole.RESULTS, prefix + ".results")
                .with(TopicRole.ERRORS, prefix + ".errors");
        SamplerConfig config = SamplerHarness.config(kafka.bootstrapServers(), topics, store, prefix, 4, 5);
        SamplerConfig serve =
                config.withKafka(config.kafka().withEvaluationRequestsTopic(prefix + ".evaluation-requests"));
        List<SamplerService> samplers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                samplers.add(SamplerService.start(serve, new CheckpointModelLoader(Device.cpu(), false)));
            }
            Path json = dir.resolve("two.json");
            assertEquals(
                    0,
                    bench(
                            kafka,
                            "--external-samplers",
                            "2",
                            "--topic-prefix",
                            prefix,
                            "--work-dir",
                            work.toString(),
                            "--json",
                            json.toString()));
            JsonObject report = new JsonObject(Files.readString(json));
            assertEquals(2, report.getInteger("requestPartitions"));
            assertEquals(0L, report.getLong("duplicateAnswers"));
            assertEquals(null, report.getDouble("inProcessImagesPerSecond"), "not measured for external samplers");
            assertTrue(report.getDouble("endToEndImagesPerSecond") > 0);
            assertEveryRoundAndTheMaxLatencyReported(report);
            for (SamplerService sampler : samplers) {
                assertTrue(
                        sampler.metrics()
                                        .registry()
                                        .find("ect.sampler.batch.images")
                                        .summary()
                                        .count()
                                > 0,
                        "each sampler process served a share");
            }
        } finally {
            samplers.forEach(SamplerService::close);
        }
    }
}
