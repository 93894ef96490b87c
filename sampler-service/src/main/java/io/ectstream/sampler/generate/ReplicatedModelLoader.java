package io.ectstream.sampler.generate;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads every checkpoint with each device's loader, so that a hot-load reaches every generator of the process; one
 * loader is passed through unchanged. A copy that fails to load fails the whole load (and closes the copies made),
 * so the previous version stays active on every device.
 */
public final class ReplicatedModelLoader implements ModelLoader {
    private final List<ModelLoader> perDevice;
    private final int usersPerCopy;

    public ReplicatedModelLoader(List<? extends ModelLoader> perDevice, int usersPerCopy) {
        if (perDevice.isEmpty()) {
            throw new IllegalArgumentException("need at least one device's loader");
        }
        this.perDevice = List.copyOf(perDevice);
        this.usersPerCopy = usersPerCopy;
    }

    /** The loader itself when there is one device, else one that loads a copy per device. */
    public static ModelLoader of(List<? extends ModelLoader> perDevice, int usersPerCopy) {
        return perDevice.size() == 1 ? perDevice.get(0) : new ReplicatedModelLoader(perDevice, usersPerCopy);
    }

    @Override
    public ImageGenerator load(Path checkpointFile, CheckpointExpectation expected) throws CheckpointException {
        List<ImageGenerator> copies = new ArrayList<>(perDevice.size());
        try {
            for (ModelLoader loader : perDevice) {
                copies.add(loader.load(checkpointFile, expected));
            }
        } catch (CheckpointException | RuntimeException e) {
            copies.forEach(ImageGenerator::close);
            throw e;
        }
        return new ReplicatedGenerator(copies, usersPerCopy);
    }
}
