package io.ectstream.platform.kafka;

/** The Kafka cluster did not answer within the time given: the launcher says so in one line, not a stack trace. */
public final class KafkaUnreachableException extends IllegalStateException {
    public KafkaUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
