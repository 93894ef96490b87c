package io.ectstream.sampler.models;

import io.ectstream.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Finds a checkpoint file inside the store root and checks its size and SHA-256 against its event. */
public final class CheckpointFiles {
    private final Path storeRoot;

    public CheckpointFiles(Path storeRoot) {
        this.storeRoot = storeRoot.toAbsolutePath().normalize();
    }

    /**
     * Resolves a checkpoint URI (relative path, or file: URI) against the store root; refuses any that
     * lands outside it, also through symbolic links.
     */
    public Path resolve(String checkpointUri) throws CheckpointException {
        if (checkpointUri == null || checkpointUri.isBlank()) {
            throw new CheckpointException("the checkpoint URI is empty");
        }
        Path candidate;
        try {
            String path = checkpointUri.startsWith("file:") ? java.net.URI.create(checkpointUri).getPath() : checkpointUri;
            candidate = storeRoot.resolve(path).normalize();
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint URI " + checkpointUri + " is not a path: " + e.getMessage(), e);
        }
        if (!candidate.startsWith(storeRoot)) {
            throw new CheckpointException("checkpoint URI " + checkpointUri + " resolves outside the store root " + storeRoot);
        }
        if (!Files.isRegularFile(candidate)) {
            throw new CheckpointException("checkpoint file " + candidate + " does not exist");
        }
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(storeRoot.toRealPath())) {
                throw new CheckpointException("checkpoint URI " + checkpointUri + " links outside the store root " + storeRoot);
            }
            return real;
        } catch (IOException e) {
            throw new CheckpointException("cannot resolve checkpoint file " + candidate + ": " + e.getMessage(), e);
        }
    }

    /** Throws unless the file has exactly the expected size and hex SHA-256. */
    public static void verify(Path file, long expectedSize, String expectedSha256) throws CheckpointException {
        try {
            long size = Files.size(file);
            if (size != expectedSize) {
                throw new CheckpointException("checkpoint " + file + " has " + size + " bytes, its event says " + expectedSize);
            }
            String actual = sha256(file);
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new CheckpointException("checkpoint " + file + " has SHA-256 " + actual + ", its event says " + expectedSha256);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
