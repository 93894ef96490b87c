package io.ectstream.evaluator.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mirror-json on the broker: one record of every type on its platform topic comes out on {@code <topic>.json} with
 * the same key, as exactly this JSON; a value that is no record becomes one UNDECODABLE error (itself mirrored).
 */
@BrokerTest
class JsonMirrorOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SHA = "ab".repeat(32);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(240)
    void everyRecordTypeIsMirroredAsPlainJsonWithItsKey(KafkaCluster kafka) throws Exception {
        TopicLayout layout = prefixed(TopicLayout.defaults(), "mirror.");
        KafkaClientSettings settings = KafkaClientSettings.of(kafka.bootstrapServers());
        try (KafkaTopics topics = new KafkaTopics(settings, Duration.ofSeconds(30))) {
            topics.create(layout);
        }
        List<MirroredTopic> mirrored = MirroredTopic.of(layout);
        assertEquals(
                List.of(
                        "mirror.ect.checkpoints",
                        "mirror.ect.train.progress",
                        "mirror.ect.generate.requests",
                        "mirror.ect.eval.requests",
                        "mirror.ect.generate.results",
                        "mirror.ect.generate.errors",
                        "mirror.ect.eval.fid"),
                mirrored.stream().map(t -> t.source().name()).toList());
        String errors = layout.get(TopicRole.ERRORS).name();

        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            send(producer, layout, TopicRole.CHECKPOINTS, "run-1", SampleRecords.checkpointEvent());
            send(producer, layout, TopicRole.PROGRESS, "run-1", SampleRecords.trainingProgress());
            send(producer, layout, TopicRole.REQUESTS, "req-1", generationRequest("req-1"));
            send(producer, layout, TopicRole.EVALUATION_REQUESTS, "eval-1", generationRequest("eval-1"));
            send(producer, layout, TopicRole.RESULTS, "req-1", SampleRecords.generationResult());
            send(producer, layout, TopicRole.ERRORS, "req-2", SampleRecords.generationError());
            send(producer, layout, TopicRole.FID, "run-1@2000", SampleRecords.fidReport());
            producer.send(new ProducerRecord<>(
                            layout.get(TopicRole.FID).name(), "garbage", "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }

        String appId = "mirror-test";
        try (JsonMirror mirror = JsonMirror.start(settings, appId, mirrored, errors)) {
            kafka.awaitCaughtUp(
                    appId, mirrored.stream().map(t -> t.source().name()).toList(), WAIT);

            // The topics it created are their sources' twins (checkpoints: 1 partition, kept forever).
            try (KafkaTopics topics = new KafkaTopics(settings, Duration.ofSeconds(30))) {
                KafkaTopics.Described copy =
                        topics.describe(List.of("mirror.ect.checkpoints.json")).get("mirror.ect.checkpoints.json");
                assertEquals(1, copy.partitions());
                assertEquals("-1", copy.configs().get("retention.ms"));
            }

            assertEquals(
                    Map.of(
                            "run-1",
                            tree(
                                    "{\"runId\":\"run-1\",\"step\":2000,\"imagesSeen\":256000,\"phase\":\"ECT\",\"ectStage\":3,"
                                            + "\"network\":{\"imgResolution\":32,\"inChannels\":3,\"outChannels\":3,"
                                            + "\"modelChannels\":128,\"channelMult\":[2,2,2],\"channelMultEmb\":4,"
                                            + "\"numBlocks\":4,\"attnResolutions\":[16],\"dropout\":0.2,\"sigmaData\":0.5},"
                                            + "\"checkpointUri\":\"run-1/step-000002000.ckpt\",\"sizeBytes\":1234567,"
                                            + "\"sha256\":\"" + SHA + "\",\"createdAt\":\"2026-09-21T14:13:20.123Z\","
                                            + "\"trainingLoss\":0.125}")),
                    readJson(kafka, "mirror.ect.checkpoints.json"));
            assertEquals(
                    Map.of(
                            "run-1",
                            tree("{\"runId\":\"run-1\",\"step\":10,\"imagesSeen\":1280,\"totalImages\":12800,"
                                    + "\"phase\":\"PRETRAIN\",\"ectStage\":0,\"loss\":0.5,\"imagesPerSecond\":42.5,"
                                    + "\"etaSeconds\":300.0,\"nonFiniteGradientValues\":0,"
                                    + "\"timestamp\":\"2026-09-21T14:13:20.123Z\"}")),
                    readJson(kafka, "mirror.ect.train.progress.json"));
            assertEquals(
                    Map.of("req-1", tree(requestJson("req-1"))), readJson(kafka, "mirror.ect.generate.requests.json"));
            assertEquals(
                    Map.of("eval-1", tree(requestJson("eval-1"))), readJson(kafka, "mirror.ect.eval.requests.json"));
            assertEquals(
                    Map.of(
                            "req-1",
                            tree("{\"requestId\":\"req-1\",\"modelVersion\":{\"runId\":\"run-1\",\"step\":2000,"
                                    + "\"phase\":\"ECT\",\"sha256\":\"" + SHA + "\"},\"images\":[\"AQID\",\"/w==\"],"
                                    + "\"imageFormat\":\"RAW_UINT8\",\"channels\":1,\"height\":28,\"width\":28,"
                                    + "\"seed\":7,\"networkEvaluations\":2,\"tMid\":0.821,\"sampler\":\"ECT\",\"purpose\":\"USER\","
                                    + "\"chunkIndex\":1,\"chunkCount\":3,\"firstImageIndex\":64,"
                                    + "\"timings\":{\"queuedMs\":1.5,\"generationMs\":20.0,\"encodeMs\":2.0,"
                                    + "\"totalMs\":24.0},\"createdAt\":\"2026-09-21T14:13:20.123Z\"}")),
                    readJson(kafka, "mirror.ect.generate.results.json"));
            assertEquals(
                    Map.of(
                            "run-1@2000",
                            tree("{\"modelVersion\":{\"runId\":\"run-1\",\"step\":2000,\"phase\":\"ECT\",\"sha256\":\""
                                    + SHA
                                    + "\"},\"sampler\":\"EDM_HEUN\",\"networkEvaluations\":35,\"purpose\":\"EVALUATION\","
                                    + "\"numSamples\":10000,\"fid\":12.5,\"featureExtractorId\":\"fmnist-cnn@0123\","
                                    + "\"referenceStatsId\":\"fmnist-train@4567\",\"window\":{\"kind\":\"ROLLING\",\"size\":5000},"
                                    + "\"imagesSeen\":256000,\"createdAt\":\"2026-09-21T14:13:20.123Z\"}")),
                    readJson(kafka, "mirror.ect.eval.fid.json"));

            // The sampler's error as it was, then the mirror's own error for the value on the FID topic.
            List<ConsumerRecord<String, String>> errorCopies = readAll(kafka, "mirror.ect.generate.errors.json");
            assertEquals(2, errorCopies.size());
            assertEquals("req-2", errorCopies.get(0).key());
            assertEquals(
                    JSON.readTree("{\"requestId\":null,\"code\":\"UNDECODABLE\",\"reason\":\"not Avro\","
                            + "\"component\":\"sampler-service\",\"sourceTopic\":\"ect.generate.requests\","
                            + "\"sourcePartition\":1,\"sourceOffset\":42,\"originalBytes\":\"CQk=\","
                            + "\"occurredAt\":\"2026-09-21T14:13:20.123Z\"}"),
                    JSON.readTree(errorCopies.get(0).value()));
            assertEquals("garbage", errorCopies.get(1).key());
            JsonNode own = JSON.readTree(errorCopies.get(1).value());
            assertEquals("UNDECODABLE", own.get("code").asText());
            assertEquals("json-mirror", own.get("component").asText());
            assertEquals("mirror.ect.eval.fid", own.get("sourceTopic").asText());
            assertEquals(0, own.get("sourcePartition").asInt());
            assertEquals(1, own.get("sourceOffset").asLong());
            assertTrue(own.get("originalBytes").isNull());
            assertTrue(own.get("reason").asText().startsWith("not mirrored as JSON: "), own.toString());
            // And the error record on the Avro errors topic is a real GenerationError.
            GenerationError avro = new AvroCodec<>(GenerationError.class)
                    .decode(readAllBytes(kafka, errors).get(1));
            assertEquals(ErrorCode.UNDECODABLE, avro.getCode());
            assertEquals("json-mirror", avro.getComponent());
        }
    }

    private static String requestJson(String id) {
        return "{\"requestId\":\"" + id + "\",\"model\":{\"runId\":\"run-1\",\"step\":null},\"numImages\":4,"
                + "\"steps\":2,\"seed\":7,\"tMid\":0.821,\"outputFormat\":\"RAW_UINT8\",\"replyTopic\":\"my.replies\","
                + "\"sampler\":\"ECT\",\"purpose\":\"EVALUATION\",\"deadlineMs\":null,"
                + "\"createdAt\":\"2026-09-21T14:13:20.123Z\"}";
    }

    private static TopicLayout prefixed(TopicLayout layout, String prefix) {
        for (TopicSpec spec : layout.specs()) {
            layout = layout.with(spec.withName(prefix + spec.name()));
        }
        return layout;
    }

    private static KafkaProducer<String, byte[]> producer(KafkaCluster kafka) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, TopicLayout layout, TopicRole role, String key, T record)
            throws Exception {
        AvroCodec<T> codec = new AvroCodec<>((Class<T>) record.getClass());
        producer.send(new ProducerRecord<>(layout.get(role).name(), key, codec.encode(record)))
                .get();
    }

    /** Key to the value as a JSON tree (numbers compared by type and value, e.g. 20.0 is a double). */
    private static Map<String, JsonNode> readJson(KafkaCluster kafka, String topic) {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        for (ConsumerRecord<String, String> r : readAll(kafka, topic)) {
            assertEquals(null, out.put(r.key(), tree(r.value())), "a second record for key " + r.key());
        }
        return out;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Every committed record of the topic, in offset order of its partitions, up to its end offsets now. */
    private static List<ConsumerRecord<String, String>> readAll(KafkaCluster kafka, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertTrue(System.nanoTime() < deadline, topic + " not read to its end");
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static List<byte[]> readAllBytes(KafkaCluster kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(Set.of(p));
            consumer.seekToBeginning(Set.of(p));
            long end = consumer.endOffsets(Set.of(p)).get(p);
            List<byte[]> values = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.position(p) < end) {
                assertTrue(System.nanoTime() < deadline, topic + " not read to its end");
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }

    private static GenerationRequest generationRequest(String id) {
        return GenerationRequest.newBuilder(SampleRecords.generationRequest())
                .setRequestId(id)
                .build();
    }
}
