package io.ectstream.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The store layout everyone relies on: {@code <root>/<runId>/step-<step, 9 digits>.ckpt}; events carry
 * the URI relative to the root ({@code <runId>/step-000001000.ckpt}).
 */
public final class CheckpointStore {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FILE = Pattern.compile("step-(\\d{9,})\\.ckpt");

    private CheckpointStore() {
    }

    /** Relative URI of a checkpoint, e.g. {@code demo/step-000001000.ckpt}. */
    public static String relativeUri(String runId, long step) {
        checkRunId(runId);
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, not " + step);
        }
        return runId + "/" + String.format(java.util.Locale.ROOT, "step-%09d.ckpt", step);
    }

    public static Path fileFor(Path root, String runId, long step) {
        return resolve(root, relativeUri(runId, step));
    }

    /**
     * Resolves an event's relative URI against the store root.
     * @throws IllegalArgumentException for an absolute URI, a scheme, or one that escapes the root
     */
    public static Path resolve(Path root, String relativeUri) {
        if (relativeUri == null || relativeUri.isBlank()) {
            throw new IllegalArgumentException("checkpoint URI is empty");
        }
        if (relativeUri.startsWith("/") || relativeUri.contains(":") || relativeUri.contains("\\")) {
            throw new IllegalArgumentException("checkpoint URI must be relative to the store root: " + relativeUri);
        }
        Path base = root.toAbsolutePath().normalize();
        Path resolved = base.resolve(relativeUri).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException("checkpoint URI escapes the store root: " + relativeUri);
        }
        return resolved;
    }

    /** The checkpoint of {@code runId} with the highest step, if any (for resume). */
    public static Optional<Path> latest(Path root, String runId) throws IOException {
        Path dir = resolve(root, runId);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> FILE.matcher(p.getFileName().toString()).matches())
                .max(java.util.Comparator.comparingLong(CheckpointStore::stepOf));
        }
    }

    /** The step encoded in a checkpoint file name. */
    public static long stepOf(Path file) {
        Matcher m = FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint file name: " + file.getFileName());
        }
        return Long.parseLong(m.group(1));
    }

    static void checkRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches() || runId.contains("..")) {
            throw new IllegalArgumentException("run id must be 1-128 characters of [A-Za-z0-9._-], start with a letter"
                + " or digit and contain no '..': " + runId);
        }
    }
}
