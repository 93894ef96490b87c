package io.ectstream.evaluator.stream;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
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
        return GenerationError.newBuilder()
                .setRequestId(requestId)
                .setCode(ErrorCode.UNDECODABLE)
                .setReason(reason)
                .setComponent(COMPONENT)
                .setSourceTopic(source.map(RecordMetadata::topic).orElse(null))
                .setSourcePartition(source.map(RecordMetadata::partition).orElse(null))
                .setSourceOffset(source.map(RecordMetadata::offset).orElse(null))
                .setOriginalBytes(originalBytes == null ? null : java.nio.ByteBuffer.wrap(originalBytes))
                .setOccurredAt(Instant.ofEpochMilli(clock.millis()))
                .build();
    }

    /** The evaluator's own state could not be read; no request or source record to name. */
    static GenerationError unreadableState(String reason, Clock clock) {
        return GenerationError.newBuilder()
                .setRequestId(null)
                .setCode(ErrorCode.INTERNAL)
                .setReason(reason)
                .setComponent(COMPONENT)
                .setOccurredAt(Instant.ofEpochMilli(clock.millis()))
                .build();
    }
}
