package io.ectstream.fidtools.reference;

import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes reference statistics to a compacted topic (key: statistics id, value: the file's bytes),
 * creating the topic with room for large records if it does not exist: a 2048-d file is ~17 MB.
 */
public final class ReferenceStatsPublisher {
    private static final Logger log = LoggerFactory.getLogger(ReferenceStatsPublisher.class);
    public static final String DEFAULT_TOPIC = Topics.DEFAULT_REFERENCE_STATS;

    private ReferenceStatsPublisher() {}

    public static void publish(String bootstrapServers, String topic, ReferenceStatistics stats, int maxMessageBytes) {
        publish(KafkaClientSettings.of(bootstrapServers), topic, stats, maxMessageBytes);
    }

    /** @param settings what the admin client and producer start from (bootstrap servers, security) */
    public static void publish(
            KafkaClientSettings settings, String topic, ReferenceStatistics stats, int maxMessageBytes) {
        byte[] value = stats.toBytes();
        int limit = Math.max(maxMessageBytes, value.length + 1024);
        ensureTopic(settings, topic, limit);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limit);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(33554432L, 2L * limit));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(settings, props)) {
            producer.send(new ProducerRecord<>(topic, stats.id(), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing reference statistics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot publish reference statistics to " + topic + ": " + e.getCause(), e.getCause());
        }
        log.info(
                "reference statistics {} ({} bytes, d = {}) published to {}",
                stats.id(),
                value.length,
                stats.dimension(),
                topic);
    }

    static void ensureTopic(KafkaClientSettings settings, String topic, int maxMessageBytes) {
        try (Admin admin = KafkaClients.admin(settings)) {
            if (admin.listTopics().names().get().contains(topic)) {
                return;
            }
            NewTopic newTopic = new NewTopic(topic, 1, (short) -1)
                    .configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(maxMessageBytes)));
            admin.createTopics(List.of(newTopic)).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
        }
    }
}
