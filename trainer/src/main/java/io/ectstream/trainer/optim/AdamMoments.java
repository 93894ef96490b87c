package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** The first and second moment vectors shared by Adam and RAdam, with their update rule. */
final class AdamMoments {
    final double beta1;
    final double beta2;
    final double eps;
    final NDArray m;
    final NDArray v;
    long steps;

    AdamMoments(NDManager manager, long size, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1): " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be positive: " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.m = manager.zeros(new Shape(size), DataType.FLOAT32);
        this.v = manager.zeros(new Shape(size), DataType.FLOAT32);
    }

    /** m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, in place; returns the new step count t. */
    long update(NDArray gradient) {
        m.muli((float) beta1).addi(gradient.mul((float) (1 - beta1)));
        v.muli((float) beta2).addi(gradient.square().muli((float) (1 - beta2)));
        return ++steps;
    }

    /** Results of ops on the long-lived moments land in the long-lived manager; move them to the step's. */
    static NDArray inStep(NDArray temporary, NDManager stepManager) {
        temporary.attach(stepManager);
        return temporary;
    }

    Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        state.put("m", m);
        state.put("v", v);
        return state;
    }

    void restore(Map<String, NDArray> state, long restoredSteps) {
        NDArray savedM = state.get("m");
        NDArray savedV = state.get("v");
        if (savedM == null || savedV == null) {
            throw new IllegalArgumentException("optimizer state needs vectors m and v, found " + state.keySet());
        }
        if (savedM.size() != m.size() || savedV.size() != v.size()) {
            throw new IllegalArgumentException(
                    "optimizer state has " + savedM.size() + " values, the parameters " + m.size());
        }
        NDIndex all = new NDIndex("...");
        m.set(all, savedM.reshape(m.getShape()));
        v.set(all, savedV.reshape(v.getShape()));
        steps = restoredSteps;
    }
}
