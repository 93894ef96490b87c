package io.ectstream.sampler.publish;

import io.ectstream.core.checkpoint.Sha256;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds GenerationError records: what was wrong, and where the input came from, with its original bytes. Bytes
 * larger than {@link #MAX_ORIGINAL_BYTES} are not copied (the error record would not fit the errors topic, and an
 * unwritable error would leave its request unanswered for ever): the reason then names their size and SHA-256.
 */
public final class ErrorRecords {
    /** Well under the broker's default max.message.bytes (1 MiB), which the errors topic keeps. */
    public static final int MAX_ORIGINAL_BYTES = 256 << 10;

    private ErrorRecords() {}

    /** The origin of an input record; every field may be null (HTTP requests have no topic). */
    public record Source(String topic, Integer partition, Long offset, byte[] bytes) {
        public static final Source NONE = new Source(null, null, null, null);
    }

    public static GenerationError of(String requestId, ErrorCode code, String reason, Source source) {
        byte[] bytes = source.bytes();
        boolean copied = bytes == null || bytes.length <= MAX_ORIGINAL_BYTES;
        return GenerationError.newBuilder()
                .setRequestId(requestId)
                .setCode(code)
                .setReason(
                        copied
                                ? reason
                                : reason + " (original record not copied: " + bytes.length + " bytes, SHA-256 "
                                        + Sha256.hex(bytes) + ")")
                .setComponent(SamplerConfig.COMPONENT)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginalBytes(bytes == null || !copied ? null : ByteBuffer.wrap(bytes))
                .setOccurredAt(Instant.now())
                .build();
    }
}
