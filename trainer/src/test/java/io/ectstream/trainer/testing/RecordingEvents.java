package io.ectstream.trainer.testing;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;
import io.ectstream.trainer.publish.TrainingEvents;
import java.util.ArrayList;
import java.util.List;

/** Keeps every event it is handed, in order. */
public final class RecordingEvents implements TrainingEvents {
    public final List<CheckpointEvent> checkpoints = new ArrayList<>();
    public final List<TrainingProgress> progress = new ArrayList<>();

    @Override
    public synchronized void checkpointWritten(CheckpointEvent event) {
        checkpoints.add(event);
    }

    @Override
    public synchronized void progress(TrainingProgress record) {
        progress.add(record);
    }
}
