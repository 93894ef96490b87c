package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.testing.TinyRuns;
import org.junit.jupiter.api.Test;

/** A step's temporaries die with its sub-manager; the long-lived manager must not grow step by step. */
class StepMemoryTest {

    @Test
    void stepsOfBothPhasesLeaveNothingBehindInTheLongLivedManager() {
        TrainingConfig config = TinyRuns.config("memory", 0.04, 0.04, 4);
        try (TrainingModel model = new TrainingModel(config.network(), Device.cpu(), 3)) {
            TrainingStep step = new TrainingStep(model, new DataFeed(TinyRuns.dataset(8), 1), 1, 0.5);
            BaseNDManager manager = (BaseNDManager) model.manager();
            for (Phase phase : new Phase[] {Phase.PRETRAIN, Phase.ECT}) {
                model.newOptimizer(phase == Phase.ECT ? config.ect() : config.pretrain());
                RunPlan.Stretch stretch =
                        new RunPlan.Stretch(phase, phase == Phase.ECT ? config.ect() : config.pretrain(), 0, 0);
                step.run(stretch, 0, 0).close();
                int afterFirst = manager.getManagedArrays().size();
                for (int i = 1; i < 4; i++) {
                    try (StepRunner.Outcome outcome = step.run(stretch, i, i * 4L)) {
                        outcome.loss().getFloat();
                    }
                }
                assertEquals(
                        afterFirst, manager.getManagedArrays().size(), phase + ": arrays left in the model's manager");
            }
        }
    }
}
