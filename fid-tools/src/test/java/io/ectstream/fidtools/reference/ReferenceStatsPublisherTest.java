package io.ectstream.fidtools.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@BrokerTest
class ReferenceStatsPublisherTest {

    @Test
    void publishesToACompactedTopicKeyedById(KafkaCluster kafka) throws Exception {
        ReferenceStatistics stats = sample(300, 3); // ~360 kB
        String topic = "reference-stats-test";
        ReferenceStatsPublisher.publish(kafka.bootstrapServers(), topic, stats, 4 * 1024 * 1024);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertEquals(1, records.size());
            assertEquals(stats.id(), records.get(0).key());
            assertEquals(
                    stats.id(),
                    ReferenceStatistics.fromBytes(records.get(0).value()).id());
        }
    }

    private static ReferenceStatistics sample(int d, long seed) {
        Random random = new Random(seed);
        Moments m = new Moments(d);
        for (int i = 0; i < 50; i++) {
            float[] x = new float[d];
            for (int k = 0; k < d; k++) {
                x[k] = (float) random.nextGaussian();
            }
            m.add(x);
        }
        return ReferenceStatistics.of("test-extractor:1234", "unit test", m);
    }
}
