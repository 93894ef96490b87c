package io.ectstream.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint store, the one place that knows its rules. Layout: {@code <root>/<runId>/step-<step, 9 digits>.ckpt};
 * events carry the URI relative to the root ({@code <runId>/step-000001000.ckpt}). A URI is a relative path with
 * no scheme ({@code file:} included), no leading {@code /} and no {@code \}; it must stay inside the root, also
 * once symbolic links are resolved.
 */
public final class CheckpointStore {
    /** The store root when none is given: serve's default --store, where republish --checkpoint copies files. */
    public static final String DEFAULT_ROOT = "runs/checkpoints";

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FILE_NAME = Pattern.compile("step-(\\d{9,})\\.ckpt");

    private CheckpointStore() {}

    /** Relative URI of a checkpoint, e.g. {@code demo/step-000001000.ckpt}. */
    public static String relativeUri(String runId, long step) {
        checkRunId(runId);
        return runId + "/" + fileName(step);
    }

    /** The file name of step {@code step}: {@code step-000001000.ckpt}. */
    public static String fileName(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, not " + step);
        }
        return String.format(Locale.ROOT, "step-%09d.ckpt", step);
    }

    public static Path fileFor(Path root, String runId, long step) {
        return resolve(root, relativeUri(runId, step));
    }

    /**
     * Resolves an event's relative URI against the store root.
     * @throws IllegalArgumentException for an absolute URI, a scheme, or one that escapes the root (by {@code ..}
     *                                  or through a symbolic link)
     */
    public static Path resolve(Path root, String relativeUri) {
        if (relativeUri == null || relativeUri.isBlank()) {
            throw new IllegalArgumentException("checkpoint URI is empty");
        }
        if (relativeUri.startsWith("/") || relativeUri.contains(":") || relativeUri.contains("\\")) {
            throw new IllegalArgumentException("checkpoint URI " + relativeUri + " is outside the store root " + root
                    + ": it must be a path relative to the root (no scheme, no leading '/', no '\\')");
        }
        Path base = root.toAbsolutePath().normalize();
        Path resolved = base.resolve(relativeUri).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException(
                    "checkpoint URI " + relativeUri + " resolves outside the store root " + root);
        }
        checkLinksStayInside(base, resolved, relativeUri);
        return resolved;
    }

    /**
     * The existing checkpoint file an event's URI names, with its symbolic links resolved.
     * @throws CheckpointException when the URI breaks the rules of {@link #resolve} or names no regular file
     */
    public static Path existingFile(Path root, String relativeUri) throws CheckpointException {
        Path file;
        try {
            file = resolve(root, relativeUri);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint file " + file + " does not exist");
        }
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new CheckpointException("cannot resolve checkpoint file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The URI of {@code file} relative to {@code root}, with forward slashes; refuses a file outside the root. */
    public static String relativeUri(Path root, Path file) {
        Path base = root.toAbsolutePath().normalize();
        Path normalFile = file.toAbsolutePath().normalize();
        if (!normalFile.startsWith(base) || normalFile.equals(base)) {
            throw new IllegalArgumentException(file + " is not inside the checkpoint store " + root);
        }
        return base.relativize(normalFile).toString().replace('\\', '/');
    }

    /** The checkpoint of {@code runId} with the highest step, if any (for resume). */
    public static Optional<Path> latest(Path root, String runId) throws IOException {
        return stepFiles(root, runId).stream().max(Comparator.comparingLong(CheckpointStore::stepOf));
    }

    /** The checkpoint files ({@code step-<9+ digits>.ckpt}) of a run folder, in no particular order. */
    public static List<Path> stepFiles(Path root, String runId) throws IOException {
        return stepFiles(resolve(root, runId));
    }

    /** The checkpoint files ({@code step-<9+ digits>.ckpt}) directly in {@code runDir}, in no particular order. */
    public static List<Path> stepFiles(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runDir)) {
            return files.filter(p -> step(p).isPresent()).toList();
        }
    }

    /** The step a checkpoint file name encodes, empty for any other file. */
    public static Optional<Long> step(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The step encoded in a checkpoint file name. */
    public static long stepOf(Path file) {
        return step(file)
                .orElseThrow(() -> new IllegalArgumentException("not a checkpoint file name: " + file.getFileName()));
    }

    /** Whether {@code runId} can name a run folder: 1-128 of [A-Za-z0-9._-], starting with a letter or digit, no "..". */
    public static boolean isValidRunId(String runId) {
        return runId != null && RUN_ID.matcher(runId).matches() && !runId.contains("..");
    }

    static void checkRunId(String runId) {
        if (!isValidRunId(runId)) {
            throw new IllegalArgumentException("run id must be 1-128 characters of [A-Za-z0-9._-], start with a letter"
                    + " or digit and contain no '..': " + runId);
        }
    }

    /** The deepest existing part of {@code resolved}, links followed, must lie inside the real root. */
    private static void checkLinksStayInside(Path base, Path resolved, String relativeUri) {
        if (!Files.exists(base)) {
            return;
        }
        Path existing = resolved;
        while (!Files.exists(existing) && existing.startsWith(base)) {
            existing = existing.getParent();
        }
        try {
            if (!existing.toRealPath().startsWith(base.toRealPath())) {
                throw new IllegalArgumentException(
                        "checkpoint URI " + relativeUri + " links outside the store root " + base);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot resolve checkpoint URI " + relativeUri + ": " + e.getMessage(), e);
        }
    }
}
