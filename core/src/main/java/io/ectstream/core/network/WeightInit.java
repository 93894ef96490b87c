package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * EDM's weight initialisation, generated on the host from a seed so that the same seed gives the same
 * weights on any device: xavier_uniform scaled by a gain (1 for most layers, sqrt(0.2) for qkv,
 * 1e-5 for the "init_zero" layers conv1, proj and the output conv), or a constant (biases, norms).
 */
public final class WeightInit implements Initializer {
    private final double bound;
    private final double constant;
    private final long seed;

    private WeightInit(double bound, double constant, long seed) {
        this.bound = bound;
        this.constant = constant;
        this.seed = seed;
    }

    /** U(-b, b) with b = gain * sqrt(6 / (fanIn + fanOut)). */
    public static WeightInit xavierUniform(long fanIn, long fanOut, double gain) {
        return new WeightInit(gain * Math.sqrt(6.0 / (fanIn + fanOut)), 0, 0);
    }

    public static WeightInit constant(double value) {
        return new WeightInit(0, value, 0);
    }

    /** The same distribution drawn from another seed. */
    public WeightInit withSeed(long newSeed) {
        return new WeightInit(bound, constant, newSeed);
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        int size = Math.toIntExact(shape.size());
        float[] values = new float[size];
        if (bound > 0) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < size; i++) {
                values[i] = (float) (bound * (random.nextDouble() * 2 - 1));
            }
        } else {
            java.util.Arrays.fill(values, (float) constant);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
