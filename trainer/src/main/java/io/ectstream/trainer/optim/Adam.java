package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Adam as in torch.optim.Adam without weight decay:
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
public final class Adam extends MomentOptimizer {
    public Adam(NDManager manager, long size, double beta1, double beta2, double eps) {
        super(manager, size, beta1, beta2, eps);
    }

    @Override
    public NDArray apply(FlatParameters parameters, NDArray gradient, NDManager stepManager, double lr) {
        GradientGuard.Guarded guarded = GradientGuard.guard(gradient);
        NDArray g = guarded.gradient();
        long t = moments.update(g);
        double bias1 = 1 - Math.pow(moments.beta1, t);
        double bias2 = 1 - Math.pow(moments.beta2, t);
        NDArray denom = AdamMoments.inStep(moments.v.sqrt(), stepManager)
                .divi((float) Math.sqrt(bias2))
                .addi((float) moments.eps);
        NDArray update = AdamMoments.inStep(moments.m.mul((float) (lr / bias1)), stepManager)
                .divi(denom);
        parameters.subtractInPlace(update);
        return guarded.replaced();
    }

    @Override
    public String name() {
        return "adam";
    }
}
