package io.ectstream.platform.kafka;

/** Kafka client settings that cannot be used: an unreadable file, a malformed key=value, an empty bootstrap list. */
public final class InvalidKafkaSettingsException extends IllegalArgumentException {
    public InvalidKafkaSettingsException(String message) {
        super(message);
    }

    public InvalidKafkaSettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
