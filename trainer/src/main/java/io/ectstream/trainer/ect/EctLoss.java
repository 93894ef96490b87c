package io.ectstream.trainer.ect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The ECT consistency loss (docs/ECT.md §4b) for one batch. Used in two steps so that the target pass can run
 * outside the gradient recording: {@link #draw} the noise levels and the shared noise, compute
 * {@link #target} with no gradient, then {@link #perSample} with the student pass under recording.
 */
public final class EctLoss {
    private final EctSchedule schedule;
    private final double c;

    public EctLoss(EctSchedule schedule, double c) {
        if (!(c >= 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("pseudo-Huber c must be finite and >= 0: " + c);
        }
        this.schedule = schedule;
        this.c = c;
    }

    public EctSchedule schedule() {
        return schedule;
    }

    /** Noise levels t and r = r(t) at this stage and one shared noise e, for clean images x ([N, C, H, W]). */
    public Draw draw(NDManager manager, NDArray x, int stage) {
        NDArray t = schedule.sampleT(manager, (int) x.getShape().get(0));
        NDArray r = schedule.r(t, stage);
        NDArray e = manager.randomNormal(0f, 1f, x.getShape(), DataType.FLOAT32);
        return new Draw(x, t, r, e);
    }

    /**
     * D(x + r e, r) with the gradient stopped, finite (nan -> 0), and x itself where r == 0.
     * Call it outside a gradient collector; the result carries no gradient either way.
     */
    public NDArray target(Draw draw, DenoiserPass target) {
        NDArray xr = draw.x.add(draw.e.mul(draw.r));
        // D(x, 0) is undefined (ln 0 in c_noise): evaluate at r > 0 only, the masked samples get x.
        NDArray safeR = draw.r.maximum(Float.MIN_NORMAL);
        NDArray dr = target.denoise(xr, safeR).stopGradient();
        NDArray finite = NDArrays.where(dr.isNaN(), dr.zerosLike(), dr);
        NDArray positive = draw.r.gt(0f).broadcast(draw.x.getShape());
        return NDArrays.where(positive, finite, draw.x).stopGradient();
    }

    /** loss_i = (sqrt(||D(x + t e, t) - target||^2 + c^2) - c) / (t - r), shape [N]. */
    public NDArray perSample(Draw draw, NDArray target, DenoiserPass student) {
        NDArray xt = draw.x.add(draw.e.mul(draw.t));
        NDArray dt = student.denoise(xt, draw.t);
        long n = draw.x.getShape().get(0);
        NDArray deltaSquared = dt.sub(target).square().reshape(n, -1).sum(new int[] {1});
        NDArray distance = c > 0 ? deltaSquared.add((float) (c * c)).sqrt().sub((float) c) : deltaSquared.sqrt();
        return distance.div(draw.t.sub(draw.r).reshape(n));
    }

    /** The batch's random draws: clean images x, noise levels t and r ([N, 1, 1, 1]), shared noise e. */
    public record Draw(NDArray x, NDArray t, NDArray r, NDArray e) {}
}
