package io.ectstream.evaluator.features;

import io.ectstream.core.sampling.ImageShape;
import java.util.SplittableRandom;

/**
 * Features = W x with x the pixels in [0, 1] and W a fixed Gaussian matrix (d x pixels, scaled by
 * 1/sqrt(pixels)) drawn from a seed. No learning and no engine: for tests, demos and any feature
 * dimension (d = 2048 included). Its FIDs are not comparable with Inception FIDs.
 */
public final class RandomProjectionExtractor implements FeatureExtractor {
    private final ImageShape shape;
    private final int dimension;
    private final long seed;
    private final float[][] weights;

    public RandomProjectionExtractor(ImageShape shape, int dimension, long seed) {
        if (dimension < 1) {
            throw new IllegalArgumentException("feature dimension must be positive, got " + dimension);
        }
        this.shape = shape;
        this.dimension = dimension;
        this.seed = seed;
        this.weights = new float[dimension][shape.pixels()];
        SplittableRandom random = new SplittableRandom(seed);
        double scale = 1.0 / Math.sqrt(shape.pixels());
        for (float[] row : weights) {
            for (int p = 0; p < row.length; p++) {
                row[p] = (float) (gaussian(random) * scale);
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public String id() {
        return "random-projection:d" + dimension + ":seed" + seed + ":" + shape.channels() + "x" + shape.height() + "x"
                + shape.width();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[][] extract(ImageBatch batch) {
        if (!batch.shape().equals(shape)) {
            throw new FeatureExtractionException("this extractor takes " + shape + " images, got " + batch.shape());
        }
        int pixels = shape.pixels();
        float[][] out = new float[batch.count()][dimension];
        float[] x = new float[pixels];
        for (int n = 0; n < batch.count(); n++) {
            for (int p = 0; p < pixels; p++) {
                x[p] = (batch.pixels()[n * pixels + p] & 0xFF) / 255f;
            }
            for (int k = 0; k < dimension; k++) {
                float[] w = weights[k];
                float acc = 0;
                for (int p = 0; p < pixels; p++) {
                    acc += w[p] * x[p];
                }
                out[n][k] = acc;
            }
        }
        return out;
    }
}
