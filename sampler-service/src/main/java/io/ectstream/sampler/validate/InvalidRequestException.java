package io.ectstream.sampler.validate;

import io.ectstream.schemas.ErrorCode;

/**
 * A request that decoded but asks for something this sampler will not do; the message says which field and why,
 * the code which kind of refusal it is (INVALID_REQUEST, REPLY_TOPIC_REJECTED, TOO_COSTLY; and from the pipeline,
 * OVERLOADED when the queued user work is at its bound and EXPIRED when the deadline passed before it was read).
 */
public class InvalidRequestException extends Exception {
    private final ErrorCode code;
    private final String field;

    public InvalidRequestException(String field, String message) {
        this(ErrorCode.INVALID_REQUEST, field, message);
    }

    public InvalidRequestException(ErrorCode code, String field, String message) {
        super(field + ": " + message);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }
}
