package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** readToEnd and the client factory on the real broker. */
@BrokerTest
class EndOffsetReaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Map<String, Object> consumerProps(KafkaCluster kafka) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false);
    }

    @Test
    void readsEveryRecordOfEveryPartitionOnce(KafkaCluster kafka) throws Exception {
        kafka.createTopics(3, "eor.three");
        KafkaClientSettings settings = KafkaClientSettings.of(kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(settings, Map.of())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(producer.send(new ProducerRecord<>("eor.three", "k" + i, new byte[] {(byte) i})));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.consumer(KafkaClientSettings.of(kafka.bootstrapServers()), consumerProps(kafka))) {
            assertTrue(EndOffsetReader.readToEnd(consumer, "eor.three", TIMEOUT, r -> keys.add(r.key())));
        }
        assertEquals(
                IntStream.range(0, 30).mapToObj(i -> "k" + i).sorted().toList(),
                keys.stream().sorted().toList());
    }

    @Test
    void anEmptyTopicIsReadAndAMissingOneIsReported(KafkaCluster kafka) {
        kafka.createTopics(2, "eor.empty");
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.consumer(KafkaClientSettings.of(kafka.bootstrapServers()), consumerProps(kafka))) {
            assertTrue(EndOffsetReader.readToEnd(consumer, "eor.empty", TIMEOUT, r -> keys.add(r.key())));
        }
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.consumer(KafkaClientSettings.of(kafka.bootstrapServers()), consumerProps(kafka))) {
            assertFalse(EndOffsetReader.readToEnd(consumer, "eor.missing", TIMEOUT, r -> keys.add(r.key())));
        }
        assertEquals(List.of(), keys);
    }
}
