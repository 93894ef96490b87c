package io.ectstream.trainer.publish;

import io.ectstream.platform.kafka.KafkaClientSettings;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The client settings of the publisher's clients, from its {@link PublisherConfig}: the publisher's defaults under
 * the shared settings, what it needs to be correct over them; the platform's KafkaClients builds the clients.
 */
final class PublisherClientProperties {
    private PublisherClientProperties() {}

    private static final Map<String, Object> COMMON =
            Map.of(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);

    /**
     * Idempotent, acks=all, and retrying without a delivery deadline: while the broker is away a sent
     * record stays in the producer and is delivered, in order and once, when it returns. A short
     * max.block.ms keeps the sender thread responsive when metadata cannot be fetched.
     */
    static KafkaClientSettings producer(PublisherConfig config) {
        return config.client()
                .withDefaults(COMMON)
                .withDefaults(Map.of(
                        ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                        ProducerConfig.LINGER_MS_CONFIG, 5))
                .with(ProducerConfig.ACKS_CONFIG, "all")
                .with(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    }

    /**
     * A consumer that reads a topic from the start by assignment (no group, no commits); producer-only extras
     * (linger.ms, ...) would make it warn, so it keeps only what a consumer knows.
     */
    static KafkaClientSettings reader(PublisherConfig config) {
        return config.client()
                .withDefaults(COMMON)
                .only(key -> ConsumerConfig.configNames().contains(key) && !key.equals(ConsumerConfig.GROUP_ID_CONFIG))
                .with(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .with(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .with(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    static KafkaClientSettings admin(PublisherConfig config) {
        return config.client()
                .withDefaults(COMMON)
                .only(AdminClientConfig.configNames()::contains)
                .with(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000")
                .with(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
    }
}
