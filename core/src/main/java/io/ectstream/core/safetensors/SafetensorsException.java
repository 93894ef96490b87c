package io.ectstream.core.safetensors;

/** A safetensors file that cannot be read, or whose tensors do not fit the network they are meant for. */
public class SafetensorsException extends Exception {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
