package io.ectstream.trainer.ect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * ECT's noise schedule (docs/ECT.md §4b): t = exp(N(pMean, pStd)); n(t) = 1 + k sigmoid(-b t);
 * stage = floor(iteration / stageLength); r = max(0, t (1 - n(t) / q^(stage + 1))).
 *
 * @param doubling true: q's power grows by one every {@code stageLength} iterations (the gap halves each stage
 *                 for q = 2); false: the stage stays 0, so r = max(0, t (1 - n(t) / q)) for the whole phase
 *                 (the reference's short-budget recipe, q = 256) and {@code stageLength} is unused
 */
public record EctSchedule(double pMean, double pStd, double q, double k, double b, long stageLength, boolean doubling) {

    public EctSchedule {
        if (!(pStd > 0) || !Double.isFinite(pMean)) {
            throw new IllegalArgumentException("need a finite P_mean and a positive P_std: " + pMean + ", " + pStd);
        }
        if (!(q > 1)) {
            throw new IllegalArgumentException("q must be greater than 1 (the gap shrinks by q each stage): " + q);
        }
        if (!(k >= 0) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("need k >= 0 and a finite b: " + k + ", " + b);
        }
        if (stageLength < 1) {
            throw new IllegalArgumentException("stage length must be at least 1 iteration: " + stageLength);
        }
    }

    /** The reference ECT schedule on CIFAR-10 (P_mean -1.1, P_std 2.0, q 2, k 8, b 1, 25k iterations per stage). */
    public static EctSchedule reference() {
        return new EctSchedule(-1.1, 2.0, 2, 8, 1, 25_000, true);
    }

    public int stage(long iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0: " + iteration);
        }
        return doubling ? (int) (iteration / stageLength) : 0;
    }

    /** n(t) = 1 + k sigmoid(-b t). */
    public double n(double t) {
        return 1 + k / (1 + Math.exp(b * t));
    }

    /** 1 / q^(stage + 1): how far below n(t) the ratio r / t sits at this stage. */
    public double decay(int stage) {
        return Math.pow(q, -(stage + 1.0));
    }

    public double r(double t, int stage) {
        return Math.max(0, t * (1 - n(t) * decay(stage)));
    }

    /** r for a device array of t (any shape), without reading it back. */
    public NDArray r(NDArray t, int stage) {
        double decay = decay(stage);
        NDArray n = Activation.sigmoid(t.mul((float) -b)).muli((float) k).addi(1f);
        NDArray ratio = n.muli((float) -decay).addi(1f).maximum(0f);
        return t.mul(ratio);
    }

    /** t = exp(N(pMean, pStd)), shape [batch, 1, 1, 1], from the engine's (seeded) generator. */
    public NDArray sampleT(NDManager manager, int batch) {
        return manager.randomNormal((float) pMean, (float) pStd, new Shape(batch, 1, 1, 1), DataType.FLOAT32)
                .exp();
    }
}
