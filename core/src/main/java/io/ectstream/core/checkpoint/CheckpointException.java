package io.ectstream.core.checkpoint;

/** A checkpoint that must not be used: missing, corrupt, or not the one that was asked for. */
public class CheckpointException extends Exception {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
