package io.ectstream.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The platform's one SHA-256: of a file (streamed once, with its size) or of bytes, in lower-case hex. */
public final class Sha256 {
    private Sha256() {}

    /** Size and hex SHA-256 of a file, read once. */
    public record FileDigest(long sizeBytes, String sha256) {}

    public static FileDigest of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        long size = 0;
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new FileDigest(size, HexFormat.of().formatHex(digest.digest()));
    }

    public static String hex(Path file) throws IOException {
        return of(file).sha256();
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
