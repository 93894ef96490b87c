package io.ectstream.trainer.publish;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;

/** An event waiting to be sent: a checkpoint announcement or a progress record. */
sealed interface PendingEvent {

    String runId();

    long step();

    record Checkpoint(CheckpointEvent event) implements PendingEvent {
        @Override
        public String runId() {
            return event.getRunId();
        }

        @Override
        public long step() {
            return event.getStep();
        }
    }

    record Progress(TrainingProgress progress) implements PendingEvent {
        @Override
        public String runId() {
            return progress.getRunId();
        }

        @Override
        public long step() {
            return progress.getStep();
        }
    }
}
