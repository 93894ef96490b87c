package io.ectstream.core.data;

import java.nio.file.Path;

/** A dataset file that is missing, truncated, corrupt or not in the expected format. */
public class DatasetFormatException extends RuntimeException {
    private final transient Path file;

    public DatasetFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public DatasetFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file (or folder) that could not be read. */
    public Path file() {
        return file;
    }
}
