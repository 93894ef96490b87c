package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/** What Adam and RAdam share: the first and second moments, their step count, and checkpointing them. */
abstract class MomentOptimizer implements Optimizer {
    protected final AdamMoments moments;

    MomentOptimizer(NDManager manager, long size, double beta1, double beta2, double eps) {
        this.moments = new AdamMoments(manager, size, beta1, beta2, eps);
    }

    @Override
    public long steps() {
        return moments.steps;
    }

    @Override
    public Map<String, NDArray> state() {
        return moments.state();
    }

    @Override
    public void restore(Map<String, NDArray> state, long steps) {
        moments.restore(state, steps);
    }
}
