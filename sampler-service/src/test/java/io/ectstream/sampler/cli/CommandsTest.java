package io.ectstream.sampler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.TinyCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@BrokerTest
class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void serveOptionsBuildTheTypedConfig() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve)
                .parseArgs(
                        "--bootstrap-servers",
                        "h:1",
                        "--store",
                        "/tmp/s",
                        "--max-batch",
                        "8",
                        "--max-wait-ms",
                        "3",
                        "--max-images",
                        "40",
                        "--requests-topic",
                        "req");
        SamplerConfig config = serve.config();
        assertEquals("h:1", config.kafka().bootstrapServers());
        assertEquals(8, config.batching().maxBatchImages());
        assertEquals(3, config.batching().maxWaitMs());
        assertEquals(40, config.admission().maxImagesPerRequest());
        assertEquals("req", config.kafka().topics().requests());
        assertEquals(
                "ect.eval.requests",
                config.kafka().evaluationRequestsTopic(),
                "evaluation requests have a topic of their own");
        assertEquals("ect-sampler-evaluation", config.kafka().evaluationGroupId());
        assertEquals("127.0.0.1", config.http().host(), "HTTP binds to loopback by default");
        assertEquals(8081, config.http().port());
        assertEquals(
                null,
                serve.batchInvariant,
                "unset: exact on the CPU, batched on a GPU (CheckpointModelLoader.forServing)");
        new CommandLine(serve).parseArgs("--no-batch-invariant");
        assertEquals(false, serve.batchInvariant);
        new CommandLine(serve).parseArgs("--batch-invariant");
        assertEquals(true, serve.batchInvariant);
        new CommandLine(serve).parseArgs("--max-batch", "0");
        assertThrows(IllegalArgumentException.class, serve::config);
    }

    @Test
    void serveWithoutFlagsRunsTheConfigDefaults() {
        SamplerConfig config = ServeCommandAccess.config(java.util.Map.of());
        assertEquals(
                SamplerConfig.defaults(KafkaClientSettings.DEFAULT_BOOTSTRAP_SERVERS, Path.of("runs/checkpoints")),
                config);
        assertEquals(32, config.batching().maxBatchImages());
        assertEquals(5, config.batching().maxWaitMs());
        assertEquals(256, config.admission().maxImagesPerRequest());
        assertEquals(64, config.admission().maxInFlightRequests());
        assertEquals(1024, config.admission().maxInFlightEvaluationRequests());
        assertEquals(4, config.batching().userBatchesPerEvaluationBatch());
        assertEquals("ect-sampler", config.kafka().groupId());
        assertEquals(ServingLimits.DEFAULTS, config.limits());
    }

    @Test
    void serveTakesTheWireFormatAndRegistrySettings() {
        assertEquals(
                io.ectstream.schemas.serde.RecordFormat.SINGLE_OBJECT,
                ServeCommandAccess.config(java.util.Map.of()).kafka().records());
        SamplerConfig registry = ServeCommandAccess.config(
                java.util.Map.of(),
                "--wire-format",
                "registry",
                "--schema-registry-url",
                "http://registry:8080/apis/registry/v2",
                "--schema-registry-property",
                "apicurio.auth.username=sampler");
        var records = registry.kafka().records();
        assertEquals(io.ectstream.schemas.serde.WireFormat.REGISTRY, records.wireFormat());
        assertEquals(
                "http://registry:8080/apis/registry/v2",
                records.registryProperties().get("apicurio.registry.url"));
        assertEquals("sampler", records.registryProperties().get("apicurio.auth.username"));
        assertThrows(
                IllegalArgumentException.class,
                () -> ServeCommandAccess.config(java.util.Map.of(), "--wire-format", "registry"));
    }

    @Test
    void serveReplyTopicAndAdmissionOptions() {
        SamplerConfig defaults = ServeCommandAccess.config(java.util.Map.of(), "--store", "/tmp/s");
        assertEquals("ect.results.", defaults.admission().replyTopicPrefix());
        assertEquals(List.of(), defaults.admission().replyTopics());
        assertEquals(512, defaults.admission().maxRequestCost());
        assertEquals(2048, defaults.admission().maxHttpInFlightCost());

        SamplerConfig set = ServeCommandAccess.config(
                java.util.Map.of(),
                "--store",
                "/tmp/s",
                "--reply-topic-prefix",
                "team.",
                "--reply-topic",
                "a.answers",
                "--reply-topic",
                "b.answers",
                "--max-request-cost",
                "70",
                "--max-http-in-flight-cost",
                "140");
        assertEquals("team.", set.admission().replyTopicPrefix());
        assertEquals(List.of("a.answers", "b.answers"), set.admission().replyTopics());
        assertEquals(70, set.admission().maxRequestCost());
        assertEquals(140, set.admission().maxHttpInFlightCost());
        assertTrue(set.replyTopicPolicy().refusal("b.answers").isEmpty());

        IllegalArgumentException forbidden = assertThrows(
                IllegalArgumentException.class,
                () -> ServeCommandAccess.config(
                        java.util.Map.of(), "--store", "/tmp/s", "--reply-topic", "ect.checkpoints"));
        assertTrue(forbidden.getMessage().contains("ect.checkpoints"), forbidden.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ServeCommandAccess.config(java.util.Map.of(), "--store", "/tmp/s", "--max-request-cost", "3000"),
                "the HTTP in-flight limit (2048) must hold the largest request");
    }

    @Test
    void serveSaysPreciselyWhichTopicIsMissing(KafkaCluster kafka) {
        kafka.createTopics(1, "sc.checkpoints", "sc.results");
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand());
        cli.setErr(new java.io.PrintWriter(err));
        int code = cli.execute(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--store",
                dir.toString(),
                "--http-port",
                "-1",
                "--checkpoints-topic",
                "sc.checkpoints",
                "--results-topic",
                "sc.results",
                "--requests-topic",
                "sc.requests",
                "--errors-topic",
                "sc.errors",
                "--evaluation-requests-topic",
                "sc.eval");
        assertTrue(code != 0, err.toString());
        assertTrue(
                err.toString().contains("sampler-service cannot start")
                        && err.toString().contains("has no topic sc.requests, sc.eval, sc.errors"),
                err.toString());
    }

    @Test
    void generateWritesThePngsItGetsBackOverKafka(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Topics topics = Topics.defaults();
        kafka.createTopics(1, topics.checkpoints(), topics.requests(), topics.results(), topics.errors());
        try (SamplerHarness h = new SamplerHarness(kafka, "unused", store, 1)) {
            h.send(
                    topics.checkpoints(),
                    "tiny",
                    SamplerHarness.CHECKPOINTS.encode(TinyCheckpoints.write(store, "tiny", 3, 3)));
        }
        SamplerConfig config = SamplerHarness.config(kafka.bootstrapServers(), topics, store, "cli-test", 4, 5);
        try (SamplerService service = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
            assertTrue(service.awaitRecovery(Duration.ofSeconds(30)));
            Path outA = dir.resolve("a");
            Path outB = dir.resolve("b");
            String[] common = {
                "--count",
                "6",
                "--steps",
                "2",
                "--seed",
                "99",
                "--per-request",
                "4",
                "--bootstrap-servers",
                kafka.bootstrapServers()
            };
            Path gridA = dir.resolve("grids/a.png");
            assertEquals(
                    0,
                    new CommandLine(new GenerateCommand())
                            .execute(concat(common, "--out", outA.toString(), "--grid", gridA.toString())));
            assertEquals(
                    0,
                    new CommandLine(new GenerateCommand())
                            .execute(concat(common, "--out", outB.toString(), "--run", "tiny")));
            List<Path> files;
            try (Stream<Path> s = Files.list(outA)) {
                files = s.sorted().toList();
            }
            assertEquals(6, files.size());
            assertEquals("image-00005.png", files.get(5).getFileName().toString());
            for (Path file : files) {
                byte[] png = Files.readAllBytes(file);
                assertEquals(8, javax.imageio.ImageIO.read(file.toFile()).getWidth());
                assertArrayEquals(
                        png, Files.readAllBytes(outB.resolve(file.getFileName())), "same seed, same bytes: " + file);
            }
            // 6 images, one row of the grid, pixels doubled under the caption strip
            java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(gridA.toFile());
            assertEquals(6 * 8 * 2, grid.getWidth());
            assertEquals(8 * 2 + io.ectstream.core.image.CaptionedGrid.CAPTION_HEIGHT, grid.getHeight());
            // offline from the checkpoint file: no broker, the same seeds, the same bytes as the CPU sampler's
            Path outC = dir.resolve("offline");
            Path gridC = dir.resolve("grids/offline.png");
            assertEquals(
                    0,
                    new CommandLine(new GenerateCommand())
                            .execute(
                                    "--checkpoint",
                                    store.resolve("tiny/tiny-3.ckpt").toString(),
                                    "--device",
                                    "cpu",
                                    "--count",
                                    "6",
                                    "--steps",
                                    "2",
                                    "--seed",
                                    "99",
                                    "--per-request",
                                    "4",
                                    "--out",
                                    outC.toString(),
                                    "--grid",
                                    gridC.toString()));
            for (Path file : files) {
                assertArrayEquals(
                        Files.readAllBytes(file),
                        Files.readAllBytes(outC.resolve(file.getFileName())),
                        "offline sampling gives the served bytes: " + file);
            }
            assertArrayEquals(Files.readAllBytes(gridA), Files.readAllBytes(gridC), "and the same captioned grid");
            assertEquals(
                    2,
                    new CommandLine(new GenerateCommand())
                            .execute(
                                    "--count",
                                    "1",
                                    "--steps",
                                    "1",
                                    "--run",
                                    "missing",
                                    "--out",
                                    dir.resolve("c").toString(),
                                    "--bootstrap-servers",
                                    kafka.bootstrapServers()),
                    "unknown run is refused");
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
