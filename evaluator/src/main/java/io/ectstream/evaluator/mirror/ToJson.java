package io.ectstream.evaluator.mirror;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.json.RecordJson;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One record of a platform topic to its JSON form; a value that is not such a record becomes an error record. */
final class ToJson<T extends SpecificRecord> implements FixedKeyProcessor<String, byte[], Mirrored> {
    static final String COMPONENT = "json-mirror";
    private static final Logger log = LoggerFactory.getLogger(ToJson.class);

    private final AvroCodec<T> codec;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Mirrored> context;

    ToJson(Class<T> type, Clock clock) {
        this.codec = new AvroCodec<>(type);
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Mirrored> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        try {
            context.forward(record.withValue(Mirrored.json(RecordJson.encode(codec.decode(record.value())))));
        } catch (RecordDecodingException e) {
            Optional<RecordMetadata> source = context.recordMetadata();
            String where = source.map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                    .orElse("?");
            log.warn("not mirrored: record {} (key {}): {}", where, record.key(), e.getMessage());
            // The input stays on its topic; the error names where, not a copy of what could be 32 MiB.
            context.forward(record.withValue(Mirrored.error(GenerationError.newBuilder()
                    .setRequestId(null)
                    .setCode(ErrorCode.UNDECODABLE)
                    .setReason("not mirrored as JSON: " + e.getMessage())
                    .setComponent(COMPONENT)
                    .setSourceTopic(source.map(RecordMetadata::topic).orElse(null))
                    .setSourcePartition(source.map(RecordMetadata::partition).orElse(null))
                    .setSourceOffset(source.map(RecordMetadata::offset).orElse(null))
                    .setOccurredAt(Instant.ofEpochMilli(clock.millis()))
                    .build())));
        }
    }
}
