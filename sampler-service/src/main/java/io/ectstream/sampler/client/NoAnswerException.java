package io.ectstream.sampler.client;

/** No answer to a request within the time the caller waits: no sampler serves it, or none is running. */
public final class NoAnswerException extends IllegalStateException {
    public NoAnswerException(String message) {
        super(message);
    }
}
