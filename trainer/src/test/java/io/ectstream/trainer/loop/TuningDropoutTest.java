package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.testing.RecordingEvents;
import io.ectstream.trainer.testing.TinyRuns;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ect.dropout: a teacher trained with one dropout is tuned with another; every other network key must match. */
class TuningDropoutTest {
    @TempDir
    static Path root;

    private static Path teacher;

    /** A teacher of the tiny network, dropout 0.1. */
    @BeforeAll
    static void trainTeacher() throws Exception {
        TrainingConfig config = TinyRuns.config("teacher", 0.008, 0.004, 100);
        assertEquals(0.1, config.network().dropout());
        teacher = new TrainingLoop(
                        config,
                        RunPlan.single(config, Phase.PRETRAIN),
                        TinyRuns.dataset(6),
                        root,
                        Device.cpu(),
                        null,
                        null)
                .run()
                .lastCheckpoint();
    }

    @Test
    void aTeacherWithDropoutPoint1IsTunedWithPoint2AndTheCheckpointsSaySo() throws Exception {
        CheckpointEvent tuned = tune("tuned-02", "ect.dropout=0.2");
        assertEquals(0.2, tuned.getNetwork().getDropout());
        LoadedCheckpoint written =
                CheckpointReader.read(CheckpointStore.resolve(root, tuned.getCheckpointUri()), null, null);
        assertEquals(0.2, written.metadata().network().dropout());
        assertEquals(
                TinyRuns.config("x", 0, 0, 1).network(),
                written.metadata().network().withDropout(0.1));
        assertEquals(0.2, TrainingCheckpoints.configOf(written.metadata()).ect().dropout());

        // a CPU run records full float32 (no TF32)
        assertEquals(0.0, written.metadata().scalars().get(TrainingCheckpoints.SCALAR_TF32));

        // the dropout is the one the training passes use: same seeds, same loss as the network's own 0.1 only;
        // left out, it is the reference's 0.2
        double networkDropout = tune("tuned-network", "ect.dropout=null").getTrainingLoss();
        double explicitSame = tune("tuned-01", "ect.dropout=0.1").getTrainingLoss();
        assertEquals(networkDropout, explicitSame);
        assertNotEquals(networkDropout, tuned.getTrainingLoss());
        assertEquals(tuned.getTrainingLoss(), tune("tuned-default").getTrainingLoss());
    }

    @Test
    void aTeacherOfAnotherWidthIsStillRefused() {
        CheckpointException e = assertThrows(
                CheckpointException.class, () -> tune("wider", "ect.dropout=0.2", "network.modelChannels=12"));
        assertTrue(e.getMessage().contains("--init checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("only dropout may differ"), e.getMessage());
    }

    @Test
    void thePipelineSwitchesToTheTuningDropoutForEct() throws Exception {
        TrainingConfig config = TinyRuns.config("pipe", 0.008, 0.008, 100, "ect.dropout=0.3");
        RecordingEvents events = new RecordingEvents();
        new TrainingLoop(config, RunPlan.pipeline(config), TinyRuns.dataset(6), root, Device.cpu(), events, null).run();
        assertEquals(Phase.PRETRAIN, events.checkpoints.get(0).getPhase());
        assertEquals(0.1, events.checkpoints.get(0).getNetwork().getDropout());
        assertEquals(Phase.ECT, events.checkpoints.get(1).getPhase());
        assertEquals(0.3, events.checkpoints.get(1).getNetwork().getDropout());
        assertTrue(Double.isFinite(events.checkpoints.get(1).getTrainingLoss()));
    }

    /** Two ECT steps from the teacher; returns the last checkpoint's announcement. */
    private static CheckpointEvent tune(String runId, String... overrides) throws Exception {
        TrainingConfig config = TinyRuns.config(runId, 0.008, 0.008, 100, overrides);
        RecordingEvents events = new RecordingEvents();
        new TrainingLoop(
                        config,
                        RunPlan.single(config, Phase.ECT),
                        TinyRuns.dataset(6),
                        root,
                        Device.cpu(),
                        events,
                        teacher)
                .run();
        return events.checkpoints.get(events.checkpoints.size() - 1);
    }
}
