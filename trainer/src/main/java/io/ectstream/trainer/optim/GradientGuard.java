package io.ectstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/** Replaces non-finite gradient values before the optimizer sees them (docs/ECT.md §4b): nan -> 0, +-inf -> +-1e5. */
public final class GradientGuard {
    public static final float INFINITY_REPLACEMENT = 1e5f;

    private GradientGuard() {}

    public static NDArray sanitize(NDArray gradient) {
        NDArray noNan = NDArrays.where(gradient.isNaN(), gradient.zerosLike(), gradient);
        return NDArrays.where(noNan.isInfinite(), noNan.sign().mul(INFINITY_REPLACEMENT), noNan);
    }
}
