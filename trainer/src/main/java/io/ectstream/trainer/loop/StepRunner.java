package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import io.ectstream.trainer.loop.RunPlan.Stretch;

/** One optimisation step of the training loop: on one device ({@link TrainingStep}) or data-parallel over several. */
interface StepRunner extends AutoCloseable {
    /** Runs global step {@code step} of {@code stretch}; returns the batch loss. */
    NDArray run(Stretch stretch, long step, long imagesSeen);

    @Override
    void close();
}
