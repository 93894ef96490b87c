package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records no request could be: one of 40 MB (larger than anything the sampler's producer may write, so an error
 * record carrying it could never be written and its offset would stay uncommitted for ever), and a valid request
 * followed by garbage. Each gets an error record that fits, and the partition moves on: a later request is
 * answered exactly once, also after a restart.
 */
@BrokerTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoisonRecordKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int HUGE = 40 << 20;

    @TempDir
    Path dir;

    @Test
    void aFortyMegabyteRecordGetsAnErrorWithItsDigestAndThePartitionMovesOn(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "huge", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            allowLargeRecords(kafka, h.topics().requests());
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            byte[] huge = new byte[HUGE];
            new Random(7).nextBytes(huge);
            SamplerConfig config = h.config("huge", 8, 5);
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                RecordMetadata at = sendLarge(kafka, h.topics().requests(), huge);
                h.sendRequest(Requests.request("after", "run", 1, 1, 1L).build());

                GenerationError error = errors.awaitCount(1, WAIT).get(0).value();
                assertEquals(ErrorCode.INVALID_REQUEST, error.getCode());
                assertEquals(at.offset(), error.getSourceOffset());
                assertNull(error.getOriginalBytes(), "40 MB are not copied into the error record");
                String sha = HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(huge));
                assertTrue(error.getReason().contains(HUGE + " bytes, SHA-256 " + sha), error.getReason());
                results.awaitUntil(
                        r -> r.stream().anyMatch(x -> x.value().getRequestId().equals("after")), WAIT);
                RebalanceKafkaTest.awaitCommittedToEnd(
                        kafka, h.topics().requests(), config.kafka().groupId());
            }
            try (SamplerService restarted = SamplerService.start(config, new SeededModelLoader())) {
                assertTrue(restarted.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("later", "run", 1, 1, 2L).build());
                results.awaitUntil(
                        r -> r.stream().anyMatch(x -> x.value().getRequestId().equals("later")), WAIT);
                RebalanceKafkaTest.awaitCommittedToEnd(
                        kafka, h.topics().requests(), config.kafka().groupId());
                List<String> answered = results.readToEnd(WAIT).stream()
                        .map(r -> r.value().getRequestId())
                        .toList();
                assertEquals(List.of("after", "later"), answered, "each answered once, also after the restart");
                assertEquals(
                        1, errors.readToEnd(WAIT).size(), "the 40 MB record is not answered again after the restart");
            }
        }
    }

    @Test
    void aValidRequestFollowedByGarbageIsUndecodable(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "trailing", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            try (SamplerService service = SamplerService.start(h.config("trailing", 8, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                byte[] valid = SamplerHarness.REQUESTS.encode(
                        Requests.request("padded", "run", 1, 1, 1L).build());
                byte[] padded = Arrays.copyOf(valid, valid.length + 100);
                Arrays.fill(padded, valid.length, padded.length, (byte) 0x55);
                h.send(h.topics().requests(), "padded", padded);
                h.sendRequest(Requests.request("after", "run", 1, 1, 1L).build());

                GenerationError error = errors.awaitCount(1, WAIT).get(0).value();
                assertEquals(ErrorCode.UNDECODABLE, error.getCode());
                assertTrue(error.getReason().contains("100 trailing bytes after the record"), error.getReason());
                assertEquals(padded.length, error.getOriginalBytes().remaining());
                assertEquals("after", results.awaitCount(1, WAIT).get(0).value().getRequestId());
                assertTrue(
                        results.readToEnd(WAIT).stream()
                                .noneMatch(r -> r.value().getRequestId().equals("padded")),
                        "the padded request is not served");
            }
        }
    }

    private static void allowLargeRecords(KafkaCluster kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(
                            resource,
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", String.valueOf(48 << 20)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
    }

    private static RecordMetadata sendLarge(KafkaCluster kafka, String topic, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(48 << 20),
                        ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(96L << 20),
                        ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, "huge", value)).get();
        }
    }
}
