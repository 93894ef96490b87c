package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, Found-1: an errors topic with Kafka's default record limit (1 MiB) and a 3 MB result that is not one.
 * The error record fits (the input's bytes are named by size and SHA-256, not copied), reports keep flowing, the bad
 * record is read once; and while a stream thread keeps failing, readiness says so.
 */
@BrokerTest
class ErrorsTopicLimitOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ONE_MIB = 1 << 20;

    private final RandomProjectionExtractor extractor = new RandomProjectionExtractor(TestResults.SHAPE, 6, 17);
    private final ReferenceStatistics reference = ReferenceStatsBuilder.compute(
            new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(2), 300)), extractor, 100);

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aThreeMegabyteUndecodableResultIsReportedAndTheReportsKeepFlowing(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String results = "limit-results";
        String fid = "limit-fid";
        String errors = "limit-errors";
        createTopics(kafka, Map.of(results, 32 * ONE_MIB, fid, ONE_MIB, errors, ONE_MIB));
        EvaluatorConfig config = Configs.config(
                "limit-evaluator", kafka.bootstrapServers(), dir, new ReportSchedule(4, 0), results, fid, errors);
        byte[] garbage = new byte[3_000_000];
        new Random(5).nextBytes(garbage);
        ModelVersion version = TestResults.version("run-limit", 7);
        List<GenerationResult> good = results("limit", version, TestResults.images(new Random(6), 8));

        try (EvaluatorApp app = EvaluatorApp.start(config, extractor, reference)) {
            send(kafka, results, "garbage", garbage);
            BrokerClients.send(kafka, results, good, List.of());

            List<FidReport> reports = BrokerClients.readUntil(kafka, fid, l -> l.size() >= 2, WAIT).stream()
                    .map(r -> AvroSerdes.fidReport().deserializer().deserialize(fid, r.value()))
                    .toList();
            assertEquals(
                    List.of(4L, 8L),
                    reports.stream().map(FidReport::getNumSamples).toList());
            kafka.awaitCaughtUp("limit-evaluator", List.of(results), WAIT);

            List<ConsumerRecord<String, byte[]>> errorRecords =
                    BrokerClients.readUntil(kafka, errors, l -> !l.isEmpty(), WAIT);
            assertEquals(1, errorRecords.size());
            GenerationError error = AvroSerdes.generationError()
                    .deserializer()
                    .deserialize(errors, errorRecords.get(0).value());
            assertEquals(ErrorCode.UNDECODABLE, error.getCode());
            assertEquals("garbage", error.getRequestId());
            assertEquals(0L, error.getSourceOffset());
            assertNull(error.getOriginalBytes(), "3 MB are not copied into a topic that takes 1 MiB");
            assertTrue(
                    error.getReason().toString().contains("3000000 bytes, SHA-256 " + sha256(garbage)),
                    error.getReason().toString());
            assertEquals(1, app.counters().undecodableRecords(), "the bad record was read once");
            assertEquals(0, app.streamThreadFailures());
            assertEquals(0, app.counters().unwritableRecords());
            assertTrue(app.ready());
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void readinessIsFalseWhileAThreadKeepsFailingAndTrueAgainOnceItCommits(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String results = "refusing-results";
        String fid = "refusing-fid";
        String errors = "refusing-errors";
        createTopics(kafka, Map.of(results, ONE_MIB, fid, ONE_MIB, errors, ONE_MIB));
        EvaluatorConfig config = Configs.config(
                "refusing-evaluator", kafka.bootstrapServers(), dir, new ReportSchedule(4, 0), results, fid, errors);
        try (EvaluatorApp app = EvaluatorApp.start(config, extractor, reference)) {
            assertTrue(app.awaitRunning(WAIT));
            assertTrue(app.ready());
            // An operator shrinks the errors topic below any error record (not below the transaction markers the broker
            // writes into it): every error record is refused, the transaction that carries it aborts, and the
            // replaced thread reads the same record again.
            setMaxMessageBytes(kafka, errors, 200);
            send(kafka, results, "junk", "junk".getBytes());

            Await.until(
                    () -> app.streamThreadFailures() >= StreamThreadFailures.FAILURES_BEFORE_UNREADY,
                    Duration.ofSeconds(120),
                    "app.streamThreadFailures() >= StreamThreadFailures.FAILURES_BEFORE_UNREADY");
            assertFalse(app.ready(), "failing again and again, without a commit, is not ready");
            assertTrue(app.running(), "though the Streams state still says RUNNING or REBALANCING");
            assertTrue(app.counters().undecodableRecords() >= 2, "the same record was read again");
            assertTrue(app.counters().unwritableRecords() >= 1, "the production exception handler counted it");

            setMaxMessageBytes(kafka, errors, ONE_MIB);
            Await.until(app::ready, Duration.ofSeconds(120), "the app ready again");
            kafka.awaitCaughtUp("refusing-evaluator", List.of(results), WAIT);
            assertEquals(
                    1,
                    BrokerClients.readUntil(kafka, errors, l -> !l.isEmpty(), WAIT)
                            .size());
        }
    }

    private static List<GenerationResult> results(String prefix, ModelVersion version, List<byte[]> images) {
        List<GenerationResult> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i += 2) {
            out.add(TestResults.result(
                    prefix + "-" + i,
                    version,
                    1,
                    TrafficPurpose.USER,
                    images.subList(i, i + 2),
                    ImageFormat.RAW_UINT8));
        }
        return out;
    }

    private static void createTopics(KafkaCluster kafka, Map<String, Integer> maxMessageBytes) throws Exception {
        try (Admin admin = admin(kafka)) {
            Collection<NewTopic> topics = maxMessageBytes.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), 1, (short) 1)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(e.getValue()))))
                    .toList();
            admin.createTopics(topics).all().get();
        }
        kafka.createTopics(1, maxMessageBytes.keySet().toArray(String[]::new)); // waits for the leaders
    }

    private static void setMaxMessageBytes(KafkaCluster kafka, String topic, int bytes) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
    }

    private static Admin admin(KafkaCluster kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static void send(KafkaCluster kafka, String topic, String key, byte[] value) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                8 * ONE_MIB);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
