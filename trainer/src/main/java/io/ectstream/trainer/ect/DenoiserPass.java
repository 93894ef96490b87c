package io.ectstream.trainer.ect;

import ai.djl.ndarray.NDArray;

/**
 * One evaluation of the denoiser D(x, sigma) in training mode with a fixed set of dropout masks.
 * {@code sigma} has shape [N, 1, 1, 1]. The loop builds the student and the target pass from the same
 * network and the same masks.
 */
@FunctionalInterface
public interface DenoiserPass {
    NDArray denoise(NDArray x, NDArray sigma);
}
