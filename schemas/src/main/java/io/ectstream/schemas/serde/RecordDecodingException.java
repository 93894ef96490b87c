package io.ectstream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a valid single-object encoded record of the expected schema.
 * The one exception every decoder of this project throws for bad input.
 */
public class RecordDecodingException extends SerializationException {
    private final String expectedType;
    private final int length;
    private final String reason;

    public RecordDecodingException(String expectedType, int length, String reason, Throwable cause) {
        super("cannot decode " + length + " bytes as " + expectedType + ": " + reason, cause);
        this.expectedType = expectedType;
        this.length = length;
        this.reason = reason;
    }

    /** What was wrong, without the type and length. */
    public String reason() {
        return reason;
    }

    public String expectedType() {
        return expectedType;
    }

    public int length() {
        return length;
    }
}
