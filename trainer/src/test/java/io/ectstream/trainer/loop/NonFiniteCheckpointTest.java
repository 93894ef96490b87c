package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.testing.TinyRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonFiniteCheckpointTest {
    private static final TrainingConfig CONFIG = TinyRuns.config("nan", 0.04, 0.04, 4);

    @Test
    void divergedWeightsAreNeitherWrittenNorAnnounced(@TempDir Path root) throws Exception {
        TrainingCheckpoints checkpoints = new TrainingCheckpoints(root, "nan");
        var at = new TrainingCheckpoints.Position(7, 7 * 32, Phase.ECT, 0, 0);
        try (TrainingModel model = new TrainingModel(CONFIG.network(), Device.cpu(), 1)) {
            model.newOptimizer(CONFIG.ect());
            assertTrue(Files.exists(checkpoints.write(model, CONFIG, at).file()), "finite weights are written");

            try (NDManager scratch = model.manager().newSubManager()) {
                int size = Math.toIntExact(model.parameters().size());
                float[] values = new float[size];
                values[size / 2] = Float.NaN;
                NDArray poisoned = scratch.create(values, new Shape(size)).toType(DataType.FLOAT32, false);
                model.parameters().assign(poisoned);
            }
            var next = new TrainingCheckpoints.Position(8, 8 * 32, Phase.ECT, 0, 0);
            NonFiniteWeightsException e =
                    assertThrows(NonFiniteWeightsException.class, () -> checkpoints.write(model, CONFIG, next));
            assertTrue(e.getMessage().contains("step 8"), e.getMessage());
            assertFalse(Files.exists(io.ectstream.core.checkpoint.CheckpointStore.fileFor(root, "nan", 8)));
        }
    }

    @Test
    void aDivergingRunStopsWithAClearErrorBeforeAnnouncingGarbage(@TempDir Path root) throws Exception {
        TrainingConfig diverging =
                TinyRuns.config("diverge", 0.04, 0.04, 4, "ect.optimizer.lr=1.0e9", "pretrain.optimizer.lr=1.0e9");
        io.ectstream.trainer.testing.RecordingEvents events = new io.ectstream.trainer.testing.RecordingEvents();
        TrainingLoop loop = new TrainingLoop(
                diverging, RunPlan.pipeline(diverging), TinyRuns.dataset(12), root, Device.cpu(), events, null);
        NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class, loop::run);
        assertTrue(e.getMessage().contains("diverged"), e.getMessage());
        assertTrue(
                events.checkpoints.stream().allMatch(c -> Double.isFinite(c.getTrainingLoss())),
                "no checkpoint with a non-finite loss was announced");
    }
}
