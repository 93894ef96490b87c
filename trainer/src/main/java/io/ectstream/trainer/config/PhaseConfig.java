package io.ectstream.trainer.config;

import io.ectstream.trainer.ect.EctSchedule;

/**
 * One training phase. Pretraining uses pMean/pStd for EDM's sigma; ECT uses all loss keys.
 *
 * @param kimg        thousands of images this phase trains on (0 skips it)
 * @param batch       images per iteration
 * @param stageLength ECT iterations per stage (ECT only)
 * @param c           pseudo-Huber constant (ECT only; 0 gives the plain L2 distance)
 */
public record PhaseConfig(
        double kimg,
        int batch,
        OptimizerConfig optimizer,
        EmaConfig ema,
        double pMean,
        double pStd,
        double q,
        double k,
        double b,
        double c,
        long stageLength) {

    public PhaseConfig {
        if (!(kimg >= 0) || !Double.isFinite(kimg)) {
            throw new IllegalArgumentException("kimg must be >= 0, not " + kimg);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, not " + batch);
        }
        if (optimizer == null || ema == null) {
            throw new IllegalArgumentException("optimizer and ema are required");
        }
        if (!(pStd > 0) || !Double.isFinite(pMean)) {
            throw new IllegalArgumentException("need a finite pMean and a positive pStd: " + pMean + ", " + pStd);
        }
        if (!(q > 1)) {
            throw new IllegalArgumentException("q must be greater than 1, not " + q);
        }
        if (!(k >= 0) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("need k >= 0 and a finite b: " + k + ", " + b);
        }
        if (!(c >= 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("c must be >= 0, not " + c);
        }
        if (stageLength < 1) {
            throw new IllegalArgumentException("stageLength must be at least 1 iteration, not " + stageLength);
        }
    }

    /** Iterations the phase runs: ceil(kimg * 1000 / batch). */
    public long iterations() {
        return (long) Math.ceil(kimg * 1000 / batch - 1e-9);
    }

    public long images() {
        return iterations() * batch;
    }

    public EctSchedule schedule() {
        return new EctSchedule(pMean, pStd, q, k, b, stageLength);
    }
}
