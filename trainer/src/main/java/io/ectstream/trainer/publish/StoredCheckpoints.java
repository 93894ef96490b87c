package io.ectstream.trainer.publish;

import io.ectstream.core.checkpoint.CheckpointEvents;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.schemas.CheckpointEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Turns the checkpoint files of a run directory ({@code <root>/<runId>/step-<9 digits>.ckpt}) back into the
 * {@link CheckpointEvent}s that announce them: metadata from each file's header, size and SHA-256 from
 * its bytes (the file's own trailing hash is verified first, so a damaged file is reported, not announced).
 */
public final class StoredCheckpoints {
    /** Metadata scalar the trainer may record with the mean loss since the previous checkpoint. */
    private StoredCheckpoints() {}

    /** The announcements for the readable files, in step order, and one line per file that could not be read. */
    public record Scan(List<CheckpointEvent> events, List<String> problems) {}

    public static Scan scan(Path storeRoot, Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new IOException("not a run directory: " + runDir);
        }
        List<Path> files = CheckpointStore.stepFiles(runDir).stream()
                .sorted(Comparator.comparingLong(CheckpointStore::stepOf))
                .toList();
        List<CheckpointEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                events.add(describe(storeRoot, file));
            } catch (CheckpointException | IllegalArgumentException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        return new Scan(events, problems);
    }

    /**
     * Copies a checkpoint into the store at {@code <root>/<runId>/step-<step>.ckpt} (run and step from its verified
     * header) and returns its place there. A file already there with the same SHA-256 is kept; a different one is
     * refused rather than overwritten.
     */
    public static Path copyIntoStore(Path storeRoot, Path file) throws CheckpointException, IOException {
        LoadedCheckpoint checked = CheckpointReader.read(file, null, Set.of());
        CheckpointMetadata metadata = checked.metadata();
        Path target = CheckpointStore.fileFor(storeRoot, metadata.runId(), metadata.step());
        if (Files.exists(target)) {
            String there = CheckpointReader.sha256Hex(target);
            if (!there.equals(checked.sha256())) {
                throw new CheckpointException(target + " already holds another checkpoint of run " + metadata.runId()
                        + " step " + metadata.step() + " (SHA-256 " + there + ", not " + checked.sha256() + ")");
            }
            return target;
        }
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.copy(file, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The announcement of one checkpoint file. */
    public static CheckpointEvent describe(Path storeRoot, Path file) throws CheckpointException {
        LoadedCheckpoint checked = CheckpointReader.read(file, null, Set.of());
        CheckpointMetadata metadata = checked.metadata();
        String uri = CheckpointStore.relativeUri(storeRoot, file);
        String expectedUri = CheckpointStore.relativeUri(metadata.runId(), metadata.step());
        if (!uri.equals(expectedUri)) {
            throw new CheckpointException("file is at " + uri + " but its header says run " + metadata.runId()
                    + " step " + metadata.step() + " (expected at " + expectedUri + ")");
        }
        return CheckpointEvents.of(metadata, uri, checked.sizeBytes(), checked.sha256());
    }
}
