package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * A first-order optimizer over {@link FlatParameters}. Its moment vectors live in the long-lived manager
 * given at construction; every temporary of a step goes to the step's manager.
 */
public interface Optimizer {

    /**
     * One update with learning rate {@code lr} from the parameters' current gradients (made finite first).
     * Reads nothing back from the device; returns how many gradient values {@link GradientGuard} replaced (0-d, INT64).
     */
    default NDArray step(FlatParameters parameters, NDManager stepManager, double lr) {
        return apply(parameters, parameters.flatGradients(stepManager), stepManager, lr);
    }

    /**
     * One update with learning rate {@code lr} from the given flat gradient (made finite first), not the
     * parameters' own: data-parallel training applies the gradient reduced over all replicas. Returns how many values
     * {@link GradientGuard} replaced (0-d, INT64, on the gradient's device).
     */
    NDArray apply(FlatParameters parameters, NDArray gradient, NDManager stepManager, double lr);

    /** Updates done so far (the t of the bias corrections). */
    long steps();

    /** The state to checkpoint, by name (flat vectors). */
    Map<String, NDArray> state();

    /** Restores a checkpointed state; the arrays are copied into this optimizer's own vectors. */
    void restore(Map<String, NDArray> state, long steps);

    String name();
}
