package io.ectstream.trainer.loop;

import java.io.IOException;

/** Gradients that stayed NaN or infinite for more steps in a row than the run allows: the run stops. */
public final class NonFiniteGradientsException extends IOException {
    public NonFiniteGradientsException(String message) {
        super(message);
    }
}
