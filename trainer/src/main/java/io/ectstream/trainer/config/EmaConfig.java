package io.ectstream.trainer.config;

import io.ectstream.trainer.optim.Ema;

/**
 * EMA decay per iteration: a fixed {@code beta} (ECT: 0.9999), or, when {@code halfLifeKimg} is set, EDM's
 * half-life in kimg with an optional ramp-up ratio (EDM pretraining: 500 kimg, 0.05).
 */
public record EmaConfig(Double beta, Double halfLifeKimg, Double rampupRatio) {
    public EmaConfig {
        if ((beta == null) == (halfLifeKimg == null)) {
            throw new IllegalArgumentException("ema needs exactly one of beta or halfLifeKimg");
        }
        if (beta != null && !(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("ema.beta must lie in [0, 1), not " + beta);
        }
        if (halfLifeKimg != null && !(halfLifeKimg > 0)) {
            throw new IllegalArgumentException("ema.halfLifeKimg must be positive, not " + halfLifeKimg);
        }
        if (rampupRatio != null && !(rampupRatio > 0)) {
            throw new IllegalArgumentException("ema.rampupRatio must be positive, not " + rampupRatio);
        }
    }

    public double betaAt(int batchSize, long phaseImages) {
        return beta != null ? beta : Ema.halfLifeBeta(batchSize, halfLifeKimg, rampupRatio, phaseImages);
    }
}
