package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.TrainingProgress;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.testing.RecordingEvents;
import io.ectstream.trainer.testing.TinyRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny configuration trained through both phases: pretraining, then ECT from the teacher's EMA. */
class PipelineIntegrationTest {

    @Test
    void pretrainThenTuneWritesVerifiableCheckpointsAndAnnouncesThemInOrder(@TempDir Path root) throws Exception {
        // 12 pretraining steps, 9 ECT steps at 3 iterations per stage (stages 0, 1, 2)
        TrainingConfig config = TinyRuns.config("pipe", 0.048, 0.036, 4);
        RecordingEvents events = new RecordingEvents();
        TrainingLoop.Result result = new TrainingLoop(
                        config, RunPlan.pipeline(config), TinyRuns.dataset(10), root, Device.cpu(), events, null)
                .run();
        assertEquals(21, result.step());
        assertEquals(84, result.imagesSeen());

        // checkpoints every 4 steps and at the end of each phase
        List<Long> steps =
                events.checkpoints.stream().map(CheckpointEvent::getStep).toList();
        assertEquals(List.of(4L, 8L, 12L, 16L, 20L, 21L), steps);
        List<Phase> phases =
                events.checkpoints.stream().map(CheckpointEvent::getPhase).toList();
        assertEquals(List.of(Phase.PRETRAIN, Phase.PRETRAIN, Phase.PRETRAIN, Phase.ECT, Phase.ECT, Phase.ECT), phases);
        // ECT iteration of the last step in each checkpoint: 3 -> stage 1, 7 -> stage 2, 8 -> stage 2
        assertEquals(
                List.of(0, 0, 0, 1, 2, 2),
                events.checkpoints.stream().map(CheckpointEvent::getEctStage).toList());

        for (CheckpointEvent event : events.checkpoints) {
            Path file = CheckpointStore.resolve(root, event.getCheckpointUri());
            assertEquals(CheckpointStore.fileFor(root, "pipe", event.getStep()), file);
            assertEquals(Files.size(file), event.getSizeBytes());
            assertEquals(CheckpointReader.sha256Hex(file), event.getSha256());
            assertEquals(event.getImagesSeen(), event.getStep() * 4);
            // each phase's checkpoints name the network it trained: ECT's with the tuning dropout (0.2 by default)
            assertEquals(config.networkFor(event.getPhase()).toAvro(), event.getNetwork());
            assertTrue(Double.isFinite(event.getTrainingLoss()) && event.getTrainingLoss() > 0, event.toString());
            LoadedCheckpoint loaded = CheckpointReader.read(file, null, null);
            assertEquals(event.getPhase(), loaded.metadata().phase());
            assertEquals(event.getEctStage(), loaded.metadata().ectStage());
            assertEquals(config, TrainingCheckpoints.configOf(loaded.metadata()));
            assertEquals(
                    event,
                    io.ectstream.trainer.publish.StoredCheckpoints.describe(root, file),
                    "the live announcement is the one a republish of the file makes");
        }

        // progress every 2 steps and at each phase end, phase and stage in every record
        List<TrainingProgress> progress = events.progress;
        assertEquals(
                List.of(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L, 21L),
                progress.stream().map(TrainingProgress::getStep).toList());
        assertEquals(Phase.PRETRAIN, progress.get(5).getPhase());
        assertEquals(Phase.ECT, progress.get(6).getPhase());
        assertTrue(progress.stream().allMatch(p -> p.getTotalImages() == 84 && Double.isFinite(p.getLoss())));

        // the tuned model moved away from the teacher: the final EMA differs from the pretraining EMA
        LoadedCheckpoint teacher = CheckpointReader.read(CheckpointStore.fileFor(root, "pipe", 12), null, null);
        LoadedCheckpoint tuned = CheckpointReader.read(result.lastCheckpoint(), null, null);
        assertTrue(maxAbsDiff(teacher.group(CheckpointFormat.GROUP_EMA), tuned.group(CheckpointFormat.GROUP_EMA)) > 0);
    }

    /** train --init TEACHER: a fresh ECT run starts with student and EMA equal to the teacher's EMA. */
    @Test
    void initCopiesTheTeachersEmaIntoStudentAndEma(@TempDir Path root) throws Exception {
        TrainingConfig teacherConfig = TinyRuns.config("teacher", 0.016, 0.004, 100);
        TrainingLoop.Result teacher = new TrainingLoop(
                        teacherConfig,
                        RunPlan.single(teacherConfig, Phase.PRETRAIN),
                        TinyRuns.dataset(6),
                        root,
                        Device.cpu(),
                        null,
                        null)
                .run();
        Map<String, HostTensor> teacherEma =
                CheckpointReader.read(teacher.lastCheckpoint(), null, null).group(CheckpointFormat.GROUP_EMA);
        Map<String, HostTensor> teacherStudent =
                CheckpointReader.read(teacher.lastCheckpoint(), null, null).group(CheckpointFormat.GROUP_STUDENT);
        assertTrue(maxAbsDiff(teacherEma, teacherStudent) > 0, "the teacher's EMA differs from its raw weights");

        // one ECT step with a negligible learning rate: what comes out is what went in
        TrainingConfig tuneConfig = TinyRuns.config("tuned", 0.016, 0.004, 100, "ect.optimizer.lr=1.0e-30");
        TrainingLoop.Result tuned = new TrainingLoop(
                        tuneConfig,
                        RunPlan.single(tuneConfig, Phase.ECT),
                        TinyRuns.dataset(6),
                        root,
                        Device.cpu(),
                        null,
                        teacher.lastCheckpoint())
                .run();
        assertEquals(1, tuned.step());
        LoadedCheckpoint after = CheckpointReader.read(tuned.lastCheckpoint(), null, null);
        assertEquals(Phase.ECT, after.metadata().phase());
        assertTrue(maxAbsDiff(teacherEma, after.group(CheckpointFormat.GROUP_STUDENT)) < 1e-6);
        assertTrue(maxAbsDiff(teacherEma, after.group(CheckpointFormat.GROUP_EMA)) < 1e-6);
    }

    private static double maxAbsDiff(Map<String, HostTensor> a, Map<String, HostTensor> b) {
        double max = 0;
        for (String name : a.keySet()) {
            float[] x = a.get(name).data();
            float[] y = b.get(name).data();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }
}
