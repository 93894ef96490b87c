package io.ectstream.sampler.publish;

import io.ectstream.sampler.SamplerConfig;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds GenerationError records: what was wrong, and where the input came from, with its original bytes. */
public final class ErrorRecords {
    private ErrorRecords() {
    }

    /** The origin of an input record; every field may be null (HTTP requests have no topic). */
    public record Source(String topic, Integer partition, Long offset, byte[] bytes) {
        public static final Source NONE = new Source(null, null, null, null);
    }

    public static GenerationError of(String requestId, ErrorCode code, String reason, Source source) {
        return GenerationError.newBuilder()
            .setRequestId(requestId)
            .setCode(code)
            .setReason(reason)
            .setComponent(SamplerConfig.COMPONENT)
            .setSourceTopic(source.topic())
            .setSourcePartition(source.partition())
            .setSourceOffset(source.offset())
            .setOriginalBytes(source.bytes() == null ? null : ByteBuffer.wrap(source.bytes()))
            .setOccurredAt(Instant.now())
            .build();
    }
}
