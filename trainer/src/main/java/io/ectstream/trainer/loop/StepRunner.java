package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import io.ectstream.trainer.loop.RunPlan.Stretch;

/** One optimisation step of the training loop: on one device ({@link TrainingStep}) or data-parallel over several. */
public interface StepRunner extends AutoCloseable {
    /**
     * What one step leaves, on the device, owned by the model's manager: the batch loss and how many gradient values
     * the gradient guard replaced (0-d INT64).
     */
    record Outcome(NDArray loss, NDArray nonFiniteGradientValues) implements AutoCloseable {
        @Override
        public void close() {
            loss.close();
            nonFiniteGradientValues.close();
        }
    }

    /** Runs global step {@code step} of {@code stretch}. */
    Outcome run(Stretch stretch, long step, long imagesSeen);

    @Override
    void close();
}
