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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one place the platform's Kafka clients are built, always from {@link KafkaClientSettings} with the client's
 * own settings on top (serializers, group ids, commit mode), so nothing a client needs can be overridden by accident.
 * Every record on the platform's topics has a String key and an Avro-encoded (or JSON) byte[] value, so producers and
 * consumers come with those serializers. Kafka Streams and Vert.x clients take {@link #merged} as their properties.
 * KafkaClientBuildersTest keeps every other main class from building a client itself.
 */
public final class KafkaClients {
    private KafkaClients() {}

    public static KafkaProducer<String, byte[]> producer(KafkaClientSettings settings, Map<String, ?> overrides) {
        return new KafkaProducer<>(merged(settings, overrides), new StringSerializer(), new ByteArraySerializer());
    }

    public static KafkaConsumer<String, byte[]> consumer(KafkaClientSettings settings, Map<String, ?> overrides) {
        return consumer(settings, overrides, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A consumer with other deserializers than the platform's String key and byte[] value. */
    public static <K, V> KafkaConsumer<K, V> consumer(
            KafkaClientSettings settings,
            Map<String, ?> overrides,
            Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer) {
        return new KafkaConsumer<>(merged(settings, overrides), keyDeserializer, valueDeserializer);
    }

    /** An admin client given only the admin's own properties (producer or consumer extras would make it warn). */
    public static Admin admin(KafkaClientSettings settings, Map<String, ?> overrides) {
        return Admin.create(onlyAdmin(merged(settings, overrides)));
    }

    public static Admin admin(KafkaClientSettings settings) {
        return admin(settings, Map.of());
    }

    /** The settings' properties with {@code overrides} on top. */
    public static Map<String, Object> merged(KafkaClientSettings settings, Map<String, ?> overrides) {
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
