package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Replaces non-finite gradient values before the optimizer sees them, as the reference's nan_to_num does (docs/ECT.md
 * §4b): nan -> 0, +-inf -> +-1e5. It counts what it replaced, on the device (the step reads nothing back): the loop
 * reports the count and stops a run whose gradients stay non-finite ({@code nonFiniteGradients.maxConsecutiveSteps}).
 */
public final class GradientGuard {
    public static final float INFINITY_REPLACEMENT = 1e5f;

    /** The finite gradient and how many of its values were replaced (a 0-d INT64 array on the gradient's device). */
    public record Guarded(NDArray gradient, NDArray replaced) {}

    private GradientGuard() {}

    public static Guarded guard(NDArray gradient) {
        NDArray nan = gradient.isNaN();
        NDArray infinite = gradient.isInfinite();
        NDArray replaced = nan.logicalOr(infinite).toType(DataType.INT64, false).sum();
        NDArray noNan = NDArrays.where(nan, gradient.zerosLike(), gradient);
        NDArray finite = NDArrays.where(infinite, noNan.sign().mul(INFINITY_REPLACEMENT), noNan);
        return new Guarded(finite, replaced);
    }
}
