package io.ectstream.trainer.config;

import io.ectstream.core.config.NetworkSpec;
import io.ectstream.trainer.ect.EctSchedule;

/**
 * One training phase. Pretraining uses pMean/pStd for EDM's sigma; ECT uses all loss keys.
 *
 * @param kimg        thousands of images this phase trains on (0 skips it)
 * @param batch       images per iteration
 * @param stageLength ECT iterations per stage (ECT only)
 * @param c           pseudo-Huber constant (ECT only; 0 gives the plain L2 distance)
 * @param doubling    ECT only: q's power grows every stageLength iterations (true, absent in old
 *                    configurations) or q stays fixed for the whole phase (false); see {@link EctSchedule}
 * @param dropout     the network's dropout while this phase trains (null: {@code network.dropout}); the weights
 *                    do not depend on it, so a teacher can be tuned with more dropout than it was trained with
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
        long stageLength,
        Boolean doubling,
        Double dropout) {

    public PhaseConfig {
        doubling = doubling == null || doubling;
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
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(
                    "dropout must lie in [0, 1) (or be left out for the network's), not " + dropout);
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
        return new EctSchedule(pMean, pStd, q, k, b, stageLength, doubling);
    }

    /** The network this phase trains: {@code network} with this phase's dropout when one is set. */
    public NetworkSpec network(NetworkSpec network) {
        return dropout == null ? network : network.withDropout(dropout);
    }
}
