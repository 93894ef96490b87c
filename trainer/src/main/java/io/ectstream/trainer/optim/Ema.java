package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Exponential moving average of the parameters, updated every iteration: ema = beta ema + (1 - beta) p.
 * Kept as one flat vector in the long-lived manager.
 */
public final class Ema {
    private final NDArray average;

    /** Starts the average at the parameters' current values. */
    public Ema(NDManager manager, FlatParameters parameters) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray flat = parameters.flatValues(scratch);
            flat.attach(manager);
            this.average = flat;
        }
    }

    public void update(FlatParameters parameters, NDManager stepManager, double beta) {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("EMA beta must lie in [0, 1]: " + beta);
        }
        NDArray current = parameters.flatValues(stepManager);
        // average - (average - current)(1 - beta), the reference's lerp: one rounding at the average's own scale per
        // step (beta a + (1 - beta) p rounds three times there), and weights that sum to exactly 1 (0.9993f and
        // (float) 0.0007 sum to 1 + 3e-9, which scaled the average by 1 + 4e-6 at equilibrium)
        NDArray gap = current.negi().addi(average);
        average.subi(gap.muli((float) (1 - beta)));
    }

    /** The average as one flat vector (live: it changes with every update). */
    public NDArray flat() {
        return average;
    }

    /** Overwrites the average with {@code values} (a flat vector of the same size). */
    public void assign(NDArray values) {
        if (values.size() != average.size()) {
            throw new IllegalArgumentException("EMA has " + average.size() + " values, got " + values.size());
        }
        average.set(new NDIndex("..."), values.reshape(average.getShape()));
    }

    /**
     * EDM's EMA decay from a half-life in images: beta = 0.5^(batch / halfLifeImages), where the half-life
     * ramps up as min(halfLifeImages, imagesSeen * rampupRatio) when a ratio is given (null: no ramp-up).
     */
    public static double halfLifeBeta(int batchSize, double halfLifeKimg, Double rampupRatio, long imagesSeen) {
        double halfLifeImages = halfLifeKimg * 1000;
        if (rampupRatio != null) {
            halfLifeImages = Math.min(halfLifeImages, imagesSeen * rampupRatio);
        }
        return Math.pow(0.5, batchSize / Math.max(halfLifeImages, 1e-8));
    }
}
