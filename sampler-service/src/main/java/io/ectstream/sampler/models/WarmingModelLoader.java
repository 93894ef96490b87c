package io.ectstream.sampler.models;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads with another loader, then runs the model once at every batch shape the service's batches can take
 * ({@link ImageGenerator#warmUp}) before the model serves: on a GPU, cuDNN times its algorithms the first time it sees
 * a shape (about a second for the 55.7M network), and a generator fed partial batches would otherwise stall on each
 * new size in the middle of serving (measured on two H200s as intermittent ~1 s stalls once there were two generators).
 */
public final class WarmingModelLoader implements ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(WarmingModelLoader.class);

    private final ModelLoader loader;
    private final int maxBatchImages;

    public WarmingModelLoader(ModelLoader loader, int maxBatchImages) {
        this.loader = loader;
        this.maxBatchImages = maxBatchImages;
    }

    @Override
    public ImageGenerator load(Path checkpointFile, CheckpointExpectation expected) throws CheckpointException {
        ImageGenerator generator = loader.load(checkpointFile, expected);
        long t0 = System.nanoTime();
        List<Integer> sizes;
        try {
            sizes = generator.warmUp(maxBatchImages);
        } catch (RuntimeException e) {
            generator.close();
            throw e;
        }
        if (!sizes.isEmpty()) {
            log.info(
                    "{} warmed up at batch sizes {} in {} ms",
                    checkpointFile.getFileName(),
                    sizes,
                    (System.nanoTime() - t0) / 1_000_000);
        }
        return generator;
    }

    @Override
    public String weights() {
        return loader.weights();
    }
}
