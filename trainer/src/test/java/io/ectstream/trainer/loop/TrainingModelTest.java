package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.ect.EdmLoss;
import io.ectstream.trainer.testing.TinyRuns;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingModelTest {
    private static final TrainingConfig CONFIG = TinyRuns.config("model", 0.04, 0.04, 4, "network.dropout=0.5");

    @Test
    void studentAndTargetPassesShareTheDropoutMasks() {
        try (TrainingModel model = new TrainingModel(CONFIG.network(), Device.cpu(), 1);
                NDManager step = model.manager().newSubManager()) {
            TinyRuns.randomize(model);
            NDArray x = step.randomNormal(new Shape(3, 1, 8, 8));
            NDArray t = step.create(new float[] {0.5f, 2f, 10f}).reshape(3, 1, 1, 1);
            ParameterStore ps = new ParameterStore(step, false);
            DropoutMasks shared = new DropoutMasks();
            DenoiserPass pass = model.pass(ps, shared);
            float[] target = pass.denoise(x, t).toFloatArray(); // r == t: the target pass draws the masks
            float[] student = pass.denoise(x, t).toFloatArray(); // the student pass replays them
            assertTrue(shared.size() > 0, "the network has dropout layers");
            assertArrayEquals(target, student, 0f);
            float[] otherMasks =
                    model.pass(ps, new DropoutMasks()).denoise(x, t).toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < target.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(target[i] - otherMasks[i]));
            }
            assertTrue(maxDiff > 1e-3, "fresh masks must change the output (dropout is active): " + maxDiff);
        }
    }

    @Test
    void initFromEmaSetsStudentAndEmaToTheTeacherWeights() throws Exception {
        try (TrainingModel teacher = new TrainingModel(CONFIG.network(), Device.cpu(), 11);
                TrainingModel student = new TrainingModel(CONFIG.network(), Device.cpu(), 22);
                NDManager scratch = teacher.manager().newSubManager()) {
            TinyRuns.randomize(teacher);
            Map<String, HostTensor> teacherEma = new LinkedHashMap<>();
            teacher.ema().assign(teacher.parameters().flatValues(scratch));
            teacher.emaTensors(scratch).forEach((name, array) -> teacherEma.put(name, HostTensor.of(array)));
            student.initFromEma(teacherEma);
            float[] expected = teacher.ema().flat().toFloatArray();
            try (NDManager s = student.manager().newSubManager()) {
                assertArrayEquals(expected, student.parameters().flatValues(s).toFloatArray(), 0f);
            }
            assertArrayEquals(expected, student.ema().flat().toFloatArray(), 0f);
        }
    }

    /** A tiny network memorises one fixed noisy batch: the EDM loss must fall at least 10x. */
    @Test
    void lossOnATinyFixedBatchFallsTenfold() {
        TrainingConfig config =
                TinyRuns.config("overfit", 0.04, 0.04, 4, "network.dropout=0", "pretrain.optimizer.rampupKimg=0");
        try (TrainingModel model = new TrainingModel(config.network(), Device.cpu(), 7)) {
            model.newOptimizer(config.pretrain());
            EdmLoss edm = EdmLoss.reference(0.5);
            Engine.getInstance().setRandomSeed(9);
            DataFeed feed = new DataFeed(TinyRuns.dataset(4), 1);
            float[] xHost;
            float[] noiseHost;
            try (NDManager scratch = model.manager().newSubManager()) {
                NDArray x = feed.batch(scratch, 0, 4);
                xHost = x.toFloatArray();
                noiseHost = scratch.randomNormal(x.getShape()).toFloatArray();
            }
            Shape shape = new Shape(4, 1, 8, 8);
            double first = 0;
            double last = 0;
            for (int i = 0; i < 150; i++) {
                try (NDManager step = model.manager().newSubManager()) {
                    DenoiserPass pass = model.pass(new ParameterStore(step, false), null);
                    // the fixed batch, created in the step's manager so that every temporary lands there
                    NDArray x = step.create(xHost, shape);
                    NDArray noise = step.create(noiseHost, shape);
                    NDArray sigma =
                            step.create(new float[] {0.3f, 0.8f, 1.5f, 3f}).reshape(4, 1, 1, 1);
                    NDArray loss;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        loss = edm.perSample(x, sigma, noise, pass).mean();
                        collector.backward(loss);
                    }
                    model.optimizer().step(model.parameters(), step, 3e-3);
                    model.parameters().zeroGradients(step);
                    if (i == 0) {
                        first = loss.getFloat();
                    }
                    last = loss.getFloat();
                }
            }
            assertTrue(last * 10 <= first, "loss fell from " + first + " to " + last);
            assertEquals(150, model.optimizer().steps());
        }
    }
}
