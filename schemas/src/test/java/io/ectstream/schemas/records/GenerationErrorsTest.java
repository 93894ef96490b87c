package io.ectstream.schemas.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Issue 32: one bytes policy for every error record, so that each fits an errors topic with Kafka's 1 MiB default. */
class GenerationErrorsTest {
    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void smallInputIsCopiedExactly() {
        byte[] bytes = {1, 2, 3};
        GenerationError error = GenerationErrors.of(
                "evaluator", "r-1", ErrorCode.UNDECODABLE, "bad", new GenerationErrors.Source("t", 2, 7L, bytes), AT);
        assertEquals("r-1", error.getRequestId());
        assertEquals("bad", error.getReason());
        assertEquals("t", error.getSourceTopic());
        assertEquals(2, error.getSourcePartition());
        assertEquals(7L, error.getSourceOffset());
        ByteBuffer copied = error.getOriginalBytes();
        byte[] back = new byte[copied.remaining()];
        copied.get(back);
        assertArrayEquals(bytes, back);
    }

    @Test
    void inputAboveTheCopyLimitIsNamedBySizeAndHash() {
        byte[] bytes = new byte[GenerationErrors.MAX_ORIGINAL_BYTES + 1];
        GenerationError error = GenerationErrors.of(
                "sampler-service",
                null,
                ErrorCode.INVALID_REQUEST,
                "too big",
                new GenerationErrors.Source("t", 0, 0L, bytes),
                AT);
        assertNull(error.getOriginalBytes());
        assertTrue(
                error.getReason().toString().startsWith("too big (original record not copied: 262145 bytes, SHA-256 "));
    }

    @Test
    void whateverTheInputTheEncodedRecordStaysUnderItsBound() {
        Random random = new Random(3);
        String hugeId = "k".repeat(3_000_000);
        String hugeReason = "\u20ac".repeat(2_000_000); // 3 UTF-8 bytes a char
        byte[] justCopied = new byte[GenerationErrors.MAX_ORIGINAL_BYTES];
        random.nextBytes(justCopied);
        GenerationError error = GenerationErrors.of(
                "evaluator",
                hugeId,
                ErrorCode.UNDECODABLE,
                hugeReason,
                new GenerationErrors.Source("results-topic", 11, Long.MAX_VALUE, justCopied),
                AT);
        int encoded = AvroSerdes.generationError().serializer().serialize("errors", error).length;
        int key = error.getRequestId().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(encoded + key <= GenerationErrors.MAX_RECORD_BYTES, encoded + key + " bytes");
        assertTrue(GenerationErrors.MAX_RECORD_BYTES < 1 << 20);
        assertEquals(GenerationErrors.MAX_TEXT_CHARS, error.getRequestId().length());
        assertTrue(error.getRequestId()
                .toString()
                .endsWith(" chars, SHA-256 " + java.util.HexFormat.of().formatHex(sha256(hugeId)) + ")"));
        assertEquals(GenerationErrors.MAX_TEXT_CHARS, error.getReason().length());
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
