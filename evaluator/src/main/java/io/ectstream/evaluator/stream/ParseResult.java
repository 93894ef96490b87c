package io.ectstream.evaluator.stream;

import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import java.time.Clock;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raw record bytes to a GenerationResult; bytes that are not one become an error record. */
final class ParseResult implements FixedKeyProcessor<String, byte[], Parsed<GenerationResult>> {
    private static final Logger log = LoggerFactory.getLogger(ParseResult.class);

    private final Deserializer<GenerationResult> codec;
    private final EvaluatorCounters counters;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Parsed<GenerationResult>> context;

    ParseResult(EvaluatorCounters counters, Clock clock, RecordFormat records) {
        this.codec = records.serde(GenerationResult.class).deserializer();
        this.counters = counters;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Parsed<GenerationResult>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        try {
            context.forward(record.withValue(Parsed.ok(codec.deserialize(topic(), record.value()))));
        } catch (RecordDecodingException e) {
            counters.countUndecodable();
            log.warn("undecodable result record (key {}): {}", record.key(), e.getMessage());
            context.forward(record.withValue(Parsed.failed(ErrorRecords.undecodable(
                    record.key(), e.getMessage(), context.recordMetadata(), record.value(), clock))));
        }
    }

    private String topic() {
        return context.recordMetadata().map(m -> m.topic()).orElse(null);
    }
}
