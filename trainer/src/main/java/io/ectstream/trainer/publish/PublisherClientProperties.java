package io.ectstream.trainer.publish;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The client properties of the publisher, from its {@link PublisherConfig}; the platform's KafkaClients builds the clients. */
final class PublisherClientProperties {
    private PublisherClientProperties() {}

    /**
     * Idempotent, acks=all, and retrying without a delivery deadline: while the broker is away a sent
     * record stays in the producer and is delivered, in order and once, when it returns. A short
     * max.block.ms keeps the sender thread responsive when metadata cannot be fetched.
     */
    static Map<String, Object> producer(PublisherConfig config) {
        Map<String, Object> props = common(config);
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putAll(config.client().clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** A consumer that reads a topic from the start by assignment (no group, no commits). */
    static Map<String, Object> reader(PublisherConfig config) {
        Map<String, Object> props = common(config);
        props.putAll(config.client().clientProperties());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return onlyKnown(props, ConsumerConfig.configNames());
    }

    static Map<String, Object> admin(PublisherConfig config) {
        Map<String, Object> props = common(config);
        props.putAll(config.client().clientProperties());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        return onlyKnown(props, AdminClientConfig.configNames());
    }

    private static Map<String, Object> common(PublisherConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return props;
    }

    /** Producer-only extras (linger.ms, ...) would make the consumer and admin warn; keep what they know. */
    private static Map<String, Object> onlyKnown(Map<String, Object> props, java.util.Set<String> known) {
        props.keySet().removeIf(key -> !known.contains(key));
        return props;
    }
}
