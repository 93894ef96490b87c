package io.ectstream.schemas.records;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The one place a {@link GenerationError} is built, with one policy for what it copies: whatever the input, the
 * record fits {@link #MAX_RECORD_BYTES}, well under Kafka's default max.message.bytes (1 MiB) that an errors topic
 * keeps. An error that cannot be written would leave its input unanswered, or (in an exactly-once application)
 * abort every transaction that carries it.
 * <ul>
 *   <li>the input's bytes are copied up to {@link #MAX_ORIGINAL_BYTES}; larger ones are not, and the reason names
 *       their size and SHA-256 instead;</li>
 *   <li>the reason is cut at {@link #MAX_TEXT_CHARS} characters, the request id (also the record's key) likewise,
 *       both ending in the SHA-256 of the whole text, so that a cut text still names its original.</li>
 * </ul>
 */
public final class GenerationErrors {
    public static final int MAX_ORIGINAL_BYTES = 256 << 10;
    public static final int MAX_TEXT_CHARS = 4096;
    /** Original bytes, two texts and the key of at most 3 UTF-8 bytes a char, the short fields, Avro's framing. */
    public static final int MAX_RECORD_BYTES = MAX_ORIGINAL_BYTES + 3 * 3 * (MAX_TEXT_CHARS + 100) + 4096;

    private GenerationErrors() {}

    /** Where an input record came from; every field may be null (an HTTP request has no topic). */
    public record Source(String topic, Integer partition, Long offset, byte[] bytes) {
        public static final Source NONE = new Source(null, null, null, null);

        /** A record of a topic, without its bytes (the error says where it is, not what it held). */
        public static Source at(String topic, Integer partition, Long offset) {
            return new Source(topic, partition, offset, null);
        }
    }

    /**
     * @param component the service that rejected the input (sampler-service, evaluator, ...)
     * @param requestId the request id when the input decoded far enough to have one, else null
     */
    public static GenerationError of(
            String component, String requestId, ErrorCode code, String reason, Source source, Instant at) {
        byte[] bytes = source.bytes();
        boolean copied = bytes == null || bytes.length <= MAX_ORIGINAL_BYTES;
        String why = copied
                ? reason
                : reason + " (original record not copied: " + bytes.length + " bytes, SHA-256 " + sha256(bytes) + ")";
        return GenerationError.newBuilder()
                .setRequestId(bounded(requestId))
                .setCode(code)
                .setReason(bounded(why))
                .setComponent(component)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setOriginalBytes(copied && bytes != null ? ByteBuffer.wrap(bytes) : null)
                .setOccurredAt(at)
                .build();
    }

    /** {@code text} when at most {@link #MAX_TEXT_CHARS} long, else its start and the SHA-256 of the whole. */
    public static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT_CHARS) {
            return text;
        }
        String tail =
                "... (" + text.length() + " chars, SHA-256 " + sha256(text.getBytes(StandardCharsets.UTF_8)) + ")";
        return text.substring(0, MAX_TEXT_CHARS - tail.length()) + tail;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
