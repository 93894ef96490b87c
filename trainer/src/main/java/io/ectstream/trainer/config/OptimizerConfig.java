package io.ectstream.trainer.config;

/**
 * @param kind       adam or radam
 * @param lr         learning rate
 * @param rampupKimg the learning rate ramps linearly from 0 over this many kimg of the phase (0: none, EDM's warm-up)
 */
public record OptimizerConfig(String kind, double lr, double beta1, double beta2, double eps, double rampupKimg) {
    public OptimizerConfig {
        if (!"adam".equals(kind) && !"radam".equals(kind)) {
            throw new IllegalArgumentException("optimizer.kind must be adam or radam, not " + kind);
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("optimizer.lr must be a positive number, not " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(
                    "optimizer betas must lie in [0, 1): beta1 " + beta1 + ", beta2 " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("optimizer.eps must be positive, not " + eps);
        }
        if (!(rampupKimg >= 0)) {
            throw new IllegalArgumentException("optimizer.rampupKimg must be >= 0, not " + rampupKimg);
        }
    }

    /** The learning rate after {@code phaseImages} images of the phase (linear warm-up, then constant). */
    public double lrAt(long phaseImages) {
        if (rampupKimg <= 0) {
            return lr;
        }
        return lr * Math.min(1.0, phaseImages / (rampupKimg * 1000));
    }
}
