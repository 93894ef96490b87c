package io.ectstream.platform.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one place the platform's Kafka clients are built. Every record on the platform's topics has a String key and
 * an Avro-encoded (or JSON) byte[] value, so producers and consumers come with those serializers; the properties are
 * the caller's (usually {@link KafkaClientSettings#clientProperties()} plus the client's own settings).
 */
public final class KafkaClients {
    private KafkaClients() {}

    public static KafkaProducer<String, byte[]> producer(Map<String, Object> props) {
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public static KafkaConsumer<String, byte[]> consumer(Map<String, Object> props) {
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** An admin client given only the admin's own properties (producer or consumer extras would make it warn). */
    public static Admin admin(Map<String, Object> props) {
        return Admin.create(onlyAdmin(props));
    }

    public static KafkaProducer<String, byte[]> producer(KafkaClientSettings settings, Map<String, Object> overrides) {
        return producer(merged(settings, overrides));
    }

    public static KafkaConsumer<String, byte[]> consumer(KafkaClientSettings settings, Map<String, Object> overrides) {
        return consumer(merged(settings, overrides));
    }

    public static Admin admin(KafkaClientSettings settings, Map<String, Object> overrides) {
        return admin(merged(settings, overrides));
    }

    /** The settings' properties with {@code overrides} on top. */
    public static Map<String, Object> merged(KafkaClientSettings settings, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.putAll(overrides);
        return props;
    }

    static Map<String, Object> onlyAdmin(Map<String, Object> props) {
        Map<String, Object> out = new TreeMap<>();
        Set<String> known = AdminClientConfig.configNames();
        props.forEach((k, v) -> {
            if (known.contains(k) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                out.put(k, v);
            }
        });
        return out;
    }
}
