package io.ectstream.evaluator.mirror;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.json.RecordJson;
import io.ectstream.schemas.records.GenerationErrors;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record of a platform topic to its JSON form; a value that is not such a record, or whose JSON would not fit
 * its topic's {@code max.message.bytes}, becomes an error record instead (never a send that fails forever).
 */
final class ToJson<T extends SpecificRecord> implements FixedKeyProcessor<String, byte[], Mirrored> {
    static final String COMPONENT = "json-mirror";
    /** Room left in a message for its key, headers and batch framing. */
    static final int RECORD_OVERHEAD_BYTES = 512;

    private static final Logger log = LoggerFactory.getLogger(ToJson.class);

    private final Deserializer<T> codec;
    private final OptionalInt maxMessageBytes;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Mirrored> context;

    ToJson(Class<T> type, OptionalInt maxMessageBytes, Clock clock, RecordFormat records) {
        this.codec = records.serde(type).deserializer();
        this.maxMessageBytes = maxMessageBytes;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Mirrored> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        byte[] json;
        try {
            json = RecordJson.encode(codec.deserialize(
                    context.recordMetadata().map(m -> m.topic()).orElse(null), record.value()));
        } catch (RecordDecodingException e) {
            refuse(record, ErrorCode.UNDECODABLE, e.getMessage());
            return;
        }
        int size = json.length
                + (record.key() == null ? 0 : record.key().getBytes(StandardCharsets.UTF_8).length)
                + RECORD_OVERHEAD_BYTES;
        if (maxMessageBytes.isPresent() && size > maxMessageBytes.getAsInt()) {
            refuse(
                    record,
                    ErrorCode.INTERNAL,
                    "its JSON of " + json.length + " bytes does not fit max.message.bytes=" + maxMessageBytes.getAsInt()
                            + " of the JSON topic");
            return;
        }
        context.forward(record.withValue(Mirrored.json(json)));
    }

    /** The input stays on its topic; the error names where it is, not a copy of what could be 32 MiB. */
    private void refuse(FixedKeyRecord<String, byte[]> record, ErrorCode code, String why) {
        Optional<RecordMetadata> source = context.recordMetadata();
        String where = source.map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("?");
        log.warn("not mirrored: record {} (key {}): {}", where, record.key(), why);
        context.forward(record.withValue(Mirrored.error(GenerationErrors.of(
                COMPONENT,
                null,
                code,
                "not mirrored as JSON: " + why,
                GenerationErrors.Source.at(
                        source.map(RecordMetadata::topic).orElse(null),
                        source.map(RecordMetadata::partition).orElse(null),
                        source.map(RecordMetadata::offset).orElse(null)),
                Instant.ofEpochMilli(clock.millis())))));
    }
}
