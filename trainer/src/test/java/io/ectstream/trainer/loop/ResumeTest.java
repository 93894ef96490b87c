package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.testing.RecordingEvents;
import io.ectstream.trainer.testing.TinyRuns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {

    /**
     * 10 pretraining + 10 ECT steps, checkpoints every 4 steps and at the phase end (step 10). One run goes
     * straight through; the other is stopped at step 11 (resumes from the phase boundary, step 10) and at
     * step 14 (resumes mid-ECT from step 12). The final student, EMA and optimizer state must be identical.
     */
    @Test
    void killedAndResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        TrainingConfig config = TinyRuns.config("resume", 0.04, 0.04, 4);
        ImageDataset data = TinyRuns.dataset(12);
        RunPlan plan = RunPlan.pipeline(config);
        assertEquals(20, plan.totalSteps());

        Path straight = dir.resolve("straight");
        RecordingEvents straightEvents = new RecordingEvents();
        TrainingLoop.Result whole =
                new TrainingLoop(config, plan, data, straight, Device.cpu(), straightEvents, null).run();
        assertEquals(20, whole.step());

        Path interrupted = dir.resolve("interrupted");
        RecordingEvents events = new RecordingEvents();
        assertEquals(
                11,
                new TrainingLoop(config, plan, data, interrupted, Device.cpu(), events, null)
                        .run(11)
                        .step());
        assertEquals(
                14,
                new TrainingLoop(config, plan, data, interrupted, Device.cpu(), events, null)
                        .run(14)
                        .step());
        TrainingLoop.Result resumed =
                new TrainingLoop(config, plan, data, interrupted, Device.cpu(), events, null).run();
        assertEquals(20, resumed.step());
        assertEquals(whole.imagesSeen(), resumed.imagesSeen());

        LoadedCheckpoint a = CheckpointReader.read(whole.lastCheckpoint(), null, null);
        LoadedCheckpoint b = CheckpointReader.read(resumed.lastCheckpoint(), null, null);
        assertEquals(Phase.ECT, b.metadata().phase());
        assertEquals(a.metadata().ectStage(), b.metadata().ectStage());
        for (String group : new String[] {
            CheckpointFormat.GROUP_STUDENT, CheckpointFormat.GROUP_EMA, TrainingCheckpoints.GROUP_OPTIM
        }) {
            Map<String, HostTensor> left = a.group(group);
            Map<String, HostTensor> right = b.group(group);
            assertEquals(left.keySet(), right.keySet());
            for (String name : left.keySet()) {
                assertArrayEquals(left.get(name).data(), right.get(name).data(), 0f, group + "/" + name);
            }
        }
        assertEquals(a.metadata().scalars(), b.metadata().scalars());

        // across the three sessions every checkpoint step is announced once, as in the uninterrupted run
        List<Long> announced =
                events.checkpoints.stream().map(CheckpointEvent::getStep).toList();
        assertEquals(List.of(4L, 8L, 10L, 12L, 16L, 20L), announced);
        assertEquals(
                straightEvents.checkpoints.stream()
                        .map(CheckpointEvent::getStep)
                        .toList(),
                announced);
    }
}
