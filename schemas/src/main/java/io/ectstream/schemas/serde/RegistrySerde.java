package io.ectstream.schemas.serde;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The registry wire format through Apicurio's Avro serde, set up for Confluent's framing: magic byte 0, the
 * 4-byte id of the schema's content (the id Confluent-compatible clients look up), then the Avro binary record,
 * all in the value (no Kafka headers). Subjects follow the topic ({@code <topic>-value}), as Confluent's default.
 */
public final class RegistrySerde {
    public static final String REGISTRY_URL = SerdeConfig.REGISTRY_URL;

    private RegistrySerde() {}

    /**
     * What the framing needs; put on top of the caller's properties so they cannot be changed by accident. The 4-byte
     * id handler is what Apicurio's {@code as-confluent} switch selects, named directly: the switch next to the
     * default handler logs a warning.
     */
    static Map<String, Object> framing() {
        return Map.of(
                SerdeConfig.ENABLE_HEADERS,
                false,
                SerdeConfig.ID_HANDLER,
                Legacy4ByteIdHandler.class.getName(),
                SerdeConfig.USE_ID,
                "contentId",
                AvroKafkaSerdeConfig.AVRO_ENCODING,
                AvroKafkaSerdeConfig.AVRO_ENCODING_BINARY,
                AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER,
                true);
    }

    /** The serde's properties: the caller's, a default of registering new schemas, then the framing. */
    static Map<String, Object> config(Map<String, ?> properties) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        config.putAll(properties);
        config.putAll(framing());
        return config;
    }

    public static <T extends SpecificRecord> Serde<T> forType(Class<T> type, Map<String, ?> properties) {
        Map<String, Object> config = config(properties);
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        return Serdes.serdeFrom(new Writer<>(type, serializer), new Reader<>(type, deserializer));
    }

    private record Writer<T extends SpecificRecord>(Class<T> type, Serializer<T> serializer) implements Serializer<T> {
        @Override
        public byte[] serialize(String topic, T data) {
            return data == null ? null : serializer.serialize(topic, data);
        }

        @Override
        public void close() {
            serializer.close();
        }
    }

    /** Anything it cannot read becomes a {@link RecordDecodingException} that says why. */
    private record Reader<T extends SpecificRecord>(Class<T> type, Deserializer<T> deserializer)
            implements Deserializer<T> {
        @Override
        public T deserialize(String topic, byte[] data) {
            String name = type.getSimpleName();
            int length = data == null ? 0 : data.length;
            String where = "topic " + topic + ": ";
            if (data == null) {
                throw new RecordDecodingException(name, 0, where + "the record value is null", null);
            }
            if (data.length >= 2 && data[0] == (byte) 0xC3 && data[1] == 0x01) {
                throw new RecordDecodingException(
                        name,
                        length,
                        where + "Avro single-object encoding (C3 01 marker) where the registry wire format was"
                                + " expected; its producer runs with --wire-format single-object",
                        null);
            }
            if (data.length < 5 || data[0] != 0) {
                throw new RecordDecodingException(
                        name,
                        length,
                        where + "not the registry wire format (magic byte 0 and a 4-byte schema id)",
                        null);
            }
            Object record;
            try {
                record = deserializer.deserialize(topic, data);
            } catch (RuntimeException | OutOfMemoryError e) {
                throw new RecordDecodingException(name, length, where + "registry wire format: " + e, e);
            }
            if (!type.isInstance(record)) {
                throw new RecordDecodingException(
                        name,
                        length,
                        where + "the registry's schema is "
                                + (record == null
                                        ? "unknown"
                                        : record.getClass().getName()),
                        null);
            }
            return type.cast(record);
        }

        @Override
        public void close() {
            deserializer.close();
        }
    }
}
