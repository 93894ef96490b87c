package io.ectstream.core.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Standard normal noise per image from the image's own seed: float64 Box-Muller over SplittableRandom
 * (a fully specified generator) on the host, cast to float32. Image i's noise depends only on seeds[i],
 * never on the device or on the other images of the batch. Draw k of an image is its k-th block of
 * C*H*W values (draw 0 = z, draw 1 = the second-step z' of 2-step sampling).
 */
public final class GaussianNoise {
    private static final int PARALLEL_FROM = 16;

    private GaussianNoise() {}

    /** The first {@code count} standard normal values of the stream for {@code seed}. */
    public static double[] stream(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
            double u2 = random.nextDouble();
            double radius = Math.sqrt(-2.0 * Math.log(u1));
            values[i] = radius * Math.cos(2 * Math.PI * u2);
            if (i + 1 < count) {
                values[i + 1] = radius * Math.sin(2 * Math.PI * u2);
            }
        }
        return values;
    }

    /** {@code draws} noise arrays, each [N, C, H, W] on the manager's device. */
    public static NDArray[] draws(NDManager manager, long[] seeds, ImageShape shape, int draws) {
        int pixels = shape.pixels();
        float[][] host = new float[draws][seeds.length * pixels];
        // Each image's stream is independent, so large batches draw on all cores (the same values either way):
        // at batch 1024 one thread needs longer for the noise than an H200 for the network.
        IntStream images = IntStream.range(0, seeds.length);
        (seeds.length >= PARALLEL_FROM ? images.parallel() : images).forEach(i -> {
            double[] values = stream(seeds[i], draws * pixels);
            for (int d = 0; d < draws; d++) {
                for (int p = 0; p < pixels; p++) {
                    host[d][i * pixels + p] = (float) values[d * pixels + p];
                }
            }
        });
        Shape batch = new Shape(seeds.length, shape.channels(), shape.height(), shape.width());
        NDArray[] arrays = new NDArray[draws];
        for (int d = 0; d < draws; d++) {
            arrays[d] = manager.create(host[d], batch);
        }
        return arrays;
    }
}
