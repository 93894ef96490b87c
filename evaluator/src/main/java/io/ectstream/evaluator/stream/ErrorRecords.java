package io.ectstream.evaluator.stream;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.records.GenerationErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** GenerationError records for input the evaluator cannot use (what was wrong, where it came from, the bytes) and for its own unreadable state. */
final class ErrorRecords {
    static final String COMPONENT = "evaluator";

    private ErrorRecords() {}

    static GenerationError undecodable(
            String requestId, String reason, Optional<RecordMetadata> source, byte[] originalBytes, Clock clock) {
        return GenerationErrors.of(
                COMPONENT,
                requestId,
                ErrorCode.UNDECODABLE,
                reason,
                new GenerationErrors.Source(
                        source.map(RecordMetadata::topic).orElse(null),
                        source.map(RecordMetadata::partition).orElse(null),
                        source.map(RecordMetadata::offset).orElse(null),
                        originalBytes),
                Instant.ofEpochMilli(clock.millis()));
    }

    /** The evaluator's own state could not be read; no request or source record to name. */
    static GenerationError unreadableState(String reason, Clock clock) {
        return GenerationErrors.of(
                COMPONENT,
                null,
                ErrorCode.INTERNAL,
                reason,
                GenerationErrors.Source.NONE,
                Instant.ofEpochMilli(clock.millis()));
    }
}
