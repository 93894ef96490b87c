package io.ectstream.trainer.loop;

import java.io.IOException;

/** Weights that went NaN or infinite: such a checkpoint is neither written nor announced. */
public final class NonFiniteWeightsException extends IOException {
    public NonFiniteWeightsException(String message) {
        super(message);
    }
}
