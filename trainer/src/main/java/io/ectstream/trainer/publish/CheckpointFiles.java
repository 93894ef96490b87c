package io.ectstream.trainer.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoint store's layout, {@code <root>/<runId>/step-<9-digit step>.ckpt}, and the facts an
 * announcement needs from a file: its size, its SHA-256 and its URI relative to the store root.
 */
public final class CheckpointFiles {
    private static final Pattern NAME = Pattern.compile("step-(\\d{9,})\\.ckpt");

    private CheckpointFiles() {
    }

    /** Size and hex SHA-256 of a file, read once. */
    public record Digest(long sizeBytes, String sha256) {
    }

    public static Digest digest(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
        }
        return new Digest(size, HexFormat.of().formatHex(sha.digest()));
    }

    /** The file name of step {@code step}: {@code step-000001000.ckpt}. */
    public static String fileName(long step) {
        return String.format("step-%09d.ckpt", step);
    }

    /** The step a checkpoint file name encodes, empty for any other file. */
    public static Optional<Long> stepOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The URI of {@code file} relative to {@code root}, with forward slashes; refuses a file outside the root. */
    public static String relativeUri(Path root, Path file) {
        Path normalRoot = root.toAbsolutePath().normalize();
        Path normalFile = file.toAbsolutePath().normalize();
        if (!normalFile.startsWith(normalRoot)) {
            throw new IllegalArgumentException(file + " is not inside the checkpoint store " + root);
        }
        return normalRoot.relativize(normalFile).toString().replace('\\', '/');
    }
}
