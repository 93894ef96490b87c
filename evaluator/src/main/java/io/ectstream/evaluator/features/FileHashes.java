package io.ectstream.evaluator.features;

import io.ectstream.core.checkpoint.Sha256;
import java.io.IOException;
import java.nio.file.Path;

/** SHA-256 of files and byte arrays, in lower-case hex (core's {@link Sha256}). */
public final class FileHashes {
    private FileHashes() {}

    public static String sha256(Path file) throws IOException {
        return Sha256.hex(file);
    }

    public static String sha256(byte[] bytes) {
        return Sha256.hex(bytes);
    }
}
