package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication by a constant that stays correct under gradient recording. DJL's {@code x.mul(Number)}
 * on the PyTorch CPU engine wraps the constant in a tensor that borrows a direct ByteBuffer
 * ({@code torch::from_blob}) and closes it right after the op; autograd keeps that tensor for the backward
 * pass, which then reads freed memory whenever a garbage collection ran in between (a wrong or NaN
 * gradient, at random). Here the constant is a tensor that owns its memory, so autograd's reference keeps
 * it alive. Arithmetic outside gradient recording, and add/sub (whose backward keeps no operand), may
 * use DJL's scalar overloads.
 */
public final class ScaledBy {
    private ScaledBy() {}

    /** x * factor, with an owned constant of x's type on x's device. */
    public static NDArray times(NDArray x, double factor) {
        try (NDArray constant = x.getManager().full(new Shape(), (float) factor, x.getDataType(), x.getDevice())) {
            return x.mul(constant);
        }
    }
}
