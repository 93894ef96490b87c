package io.ectstream.sampler.support;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import java.nio.file.Path;

/** SeededModelLoader models whose forward pass costs a fixed time per image, like a real network's. */
public final class SlowModelLoader implements ModelLoader {
    private final SeededModelLoader seeded = new SeededModelLoader();
    private final double msPerImage;

    public SlowModelLoader(double msPerImage) {
        this.msPerImage = msPerImage;
    }

    @Override
    public ImageGenerator load(Path file, CheckpointExpectation expected) throws CheckpointException {
        ImageGenerator inner = seeded.load(file, expected);
        return new ImageGenerator() {
            @Override
            public ImageShape shape() {
                return inner.shape();
            }

            @Override
            public byte[][] generate(long[] seeds, SamplerSettings settings) {
                try {
                    Thread.sleep((long) Math.ceil(seeds.length * msPerImage));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return inner.generate(seeds, settings);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
