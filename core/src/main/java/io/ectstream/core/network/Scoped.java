package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Frees a computation's intermediates as soon as it returns: every array {@code body} creates is closed,
 * except its result, which joins the enclosing scope (if any). Closing a DJL array drops only DJL's
 * reference to the libtorch tensor: what autograd saved for the backward pass stays alive, so this is
 * safe inside gradient recording. Without it, every intermediate of a forward lives until its manager
 * closes (a whole training step or generation), which is what held GPU memory at many times the need.
 */
public final class Scoped {
    private Scoped() {}

    /** Runs {@code body}, closes what it allocated except its result (a new array, never one of its inputs). */
    public static NDArray keep(Supplier<NDArray> body) {
        NDArray result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            result = body.get();
            NDScope.unregister(result);
        }
        NDScope.register(result);
        return result;
    }

    /** Keeps {@code array} alive past the innermost scope (it then lives until its manager closes). */
    public static NDArray release(NDArray array) {
        NDScope.unregister(array);
        return array;
    }
}
