package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Rectified Adam as in torch.optim.RAdam without weight decay (the optimizer of docs/ECT.md §4b).
 * With rhoInf = 2 / (1 - b2) - 1 and rhoT = rhoInf - 2 t b2^t / (1 - b2^t):
 * while rhoT <= 5 the step is plain momentum, p -= lr * m / (1 - b1^t); afterwards
 * p -= lr * m / (1 - b1^t) * rect * sqrt(1 - b2^t) / (sqrt(v) + eps) with
 * rect = sqrt((rhoT - 4)(rhoT - 2) rhoInf / ((rhoInf - 4)(rhoInf - 2) rhoT)).
 */
public final class RAdam extends MomentOptimizer {
    static final double RECTIFICATION_THRESHOLD = 5.0;

    public RAdam(NDManager manager, long size, double beta1, double beta2, double eps) {
        super(manager, size, beta1, beta2, eps);
    }

    @Override
    public NDArray apply(FlatParameters parameters, NDArray gradient, NDManager stepManager, double lr) {
        GradientGuard.Guarded guarded = GradientGuard.guard(gradient);
        NDArray g = guarded.gradient();
        long t = moments.update(g);
        double beta2 = moments.beta2;
        double bias1 = 1 - Math.pow(moments.beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * Math.pow(beta2, t) / bias2;
        NDArray update;
        if (rhoT > RECTIFICATION_THRESHOLD) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            NDArray denom = AdamMoments.inStep(moments.v.sqrt(), stepManager).addi((float) moments.eps);
            update = AdamMoments.inStep(moments.m.mul((float) (lr / bias1 * rect * Math.sqrt(bias2))), stepManager)
                    .divi(denom);
        } else {
            update = AdamMoments.inStep(moments.m.mul((float) (lr / bias1)), stepManager);
        }
        parameters.subtractInPlace(update);
        return guarded.replaced();
    }

    @Override
    public String name() {
        return "radam";
    }
}
