package io.ectstream.trainer.config;

/** A training configuration that cannot be read or describes an impossible run; the message says which key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
