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
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the export must go to another file than its source " + source);
        }
        LoadedCheckpoint checkpoint = CheckpointReader.read(source, null, Set.of(CheckpointFormat.GROUP_EMA));
        Map<String, HostTensor> ema = checkpoint.group(CheckpointFormat.GROUP_EMA);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            ema.forEach((name, tensor) -> arrays.put(name, tensor.toNDArray(manager)));
            return CheckpointWriter.write(target, checkpoint.metadata(), Map.of(CheckpointFormat.GROUP_EMA, arrays));
        }
    }
}
