package io.ectstream.trainer.publish;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;

/**
 * Where the training loop announces what it did. The loop calls these on its own thread and must
 * never be slowed or stopped by them: implementations queue and return at once.
 */
public interface TrainingEvents extends AutoCloseable {

    /** Called after the checkpoint file is durable (fsynced and renamed) in the checkpoint store. */
    void checkpointWritten(CheckpointEvent event);

    void progress(TrainingProgress progress);

    @Override
    default void close() {}

    TrainingEvents NONE = new TrainingEvents() {
        @Override
        public void checkpointWritten(CheckpointEvent event) {}

        @Override
        public void progress(TrainingProgress progress) {}
    };
}
