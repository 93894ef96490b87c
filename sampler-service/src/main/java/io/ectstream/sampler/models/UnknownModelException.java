package io.ectstream.sampler.models;

import io.ectstream.schemas.ErrorCode;

/**
 * A request named a run (or a step of it) that this instance has no loaded model for: UNKNOWN_MODEL, or
 * CHECKPOINT_REJECTED when the step it names was announced and could not be loaded.
 */
public class UnknownModelException extends Exception {
    private final ErrorCode code;

    public UnknownModelException(String message) {
        this(ErrorCode.UNKNOWN_MODEL, message);
    }

    public UnknownModelException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
