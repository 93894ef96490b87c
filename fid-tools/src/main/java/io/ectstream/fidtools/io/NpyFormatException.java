package io.ectstream.fidtools.io;

/** A file that is not a .npy array this reader supports. */
public class NpyFormatException extends IllegalArgumentException {
    public NpyFormatException(String message) {
        super(message);
    }
}
