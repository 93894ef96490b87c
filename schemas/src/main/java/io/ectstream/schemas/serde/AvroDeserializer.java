package io.ectstream.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Avro single-object encoding. Bad bytes raise {@link RecordDecodingException}
 * (a Kafka {@code SerializationException}); it never returns null for a value it could not read.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final AvroCodec<T> codec;

    public AvroDeserializer(AvroCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return codec.decode(data);
        } catch (RecordDecodingException e) {
            throw new RecordDecodingException(
                    e.expectedType(), e.length(), "topic " + topic + ": " + e.reason(), e.getCause());
        }
    }
}
