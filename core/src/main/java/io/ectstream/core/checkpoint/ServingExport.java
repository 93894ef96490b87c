package io.ectstream.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint cut down to what sampling and {@code --init} read: the metadata and the EMA weights,
 * without the student and optimizer moments (a quarter of a training checkpoint's size). The result is an
 * ordinary verified checkpoint file; only resuming training from it is impossible.
 */
public final class ServingExport {
    private ServingExport() {}

    public static WrittenCheckpoint emaOnly(Path source, Path target) throws CheckpointException, IOException {
        return servable(source, target, CheckpointFormat.GROUP_EMA);
    }

    /**
     * The same with the weights of {@code group} (ema or student) written as the export's EMA group, the weights the
     * sampler serves and {@code --init} starts from.
     */
    public static WrittenCheckpoint servable(Path source, Path target, String group)
            throws CheckpointException, IOException {
        return servable(source, target, group, null);
    }

    /**
     * The same under another run id ({@code runId} null: the source's), for a model shipped under a name of its own
     * rather than the name of the study run that made it; every other metadata field is kept.
     */
    public static WrittenCheckpoint servable(Path source, Path target, String group, String runId)
            throws CheckpointException, IOException {
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the export must go to another file than its source " + source);
        }
        LoadedCheckpoint checkpoint = CheckpointReader.read(source, null, Set.of(group));
        Map<String, HostTensor> ema = checkpoint.group(group);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            ema.forEach((name, tensor) -> arrays.put(name, tensor.toNDArray(manager)));
            CheckpointMetadata metadata = runId == null
                    ? checkpoint.metadata()
                    : checkpoint.metadata().withRunId(runId);
            return CheckpointWriter.write(target, metadata, Map.of(CheckpointFormat.GROUP_EMA, arrays));
        }
    }
}
