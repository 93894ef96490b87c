package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.device.GradMode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.ect.EdmLoss;
import io.ectstream.trainer.optim.FlatParameters;
import io.ectstream.trainer.optim.Optimizer;
import io.ectstream.trainer.testing.RecordingEvents;
import io.ectstream.trainer.testing.TinyRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataParallelTest {
    private static final List<Device> TWO_CPUS = List.of(Device.cpu(), Device.cpu());

    @Test
    void replicasStayIdenticalStepAfterStep() {
        TrainingConfig config = TinyRuns.config("dp-equal", 0.04, 0.04, 100);
        RunPlan.Stretch ect = new RunPlan.Stretch(Phase.ECT, config.ect(), 0, 0);
        try (TrainingModel first = new TrainingModel(config.networkFor(Phase.ECT), Device.cpu(), config.seed());
                TrainingModel second = new TrainingModel(config.networkFor(Phase.ECT), Device.cpu(), 99)) {
            TinyRuns.randomize(first);
            first.newOptimizer(config.ect());
            second.newOptimizer(config.ect());
            float[] before = values(first);
            assertFalse(java.util.Arrays.equals(before, values(second)), "the second replica starts elsewhere");
            second.copyFrom(first);
            DataFeed feed = new DataFeed(TinyRuns.dataset(12), config.seed());
            try (DataParallelStep step = new DataParallelStep(
                    List.of(first, second),
                    feed,
                    config.seed(),
                    config.network().sigmaData())) {
                for (int i = 0; i < 4; i++) {
                    step.run(ect, i, (long) i * config.ect().batch()).close();
                }
            }
            assertFalse(java.util.Arrays.equals(before, values(first)), "the steps changed the weights");
            assertArrayEquals(values(first), values(second), 0f);
            assertEquals(4, second.optimizer().steps());
        }
    }

    /**
     * The same 4 samples with the same sigma and noise, once as one batch on one model and once as two shards of 2 on
     * two replicas: the gradient the data-parallel update hands to each replica's optimizer is the full batch's.
     */
    @Test
    void theAppliedGradientIsTheFullBatchMeanGradient() {
        TrainingConfig config = TinyRuns.config("dp-gradient", 0.04, 0.04, 100, "network.dropout=0");
        EdmLoss edm = EdmLoss.reference(config.network().sigmaData());
        try (TrainingModel full = new TrainingModel(config.networkFor(Phase.PRETRAIN), Device.cpu(), 1);
                TrainingModel r0 = new TrainingModel(config.networkFor(Phase.PRETRAIN), Device.cpu(), 2);
                TrainingModel r1 = new TrainingModel(config.networkFor(Phase.PRETRAIN), Device.cpu(), 3);
                NDManager m = full.manager().newSubManager();
                NDManager m0 = r0.manager().newSubManager();
                NDManager m1 = r1.manager().newSubManager()) {
            TinyRuns.randomize(full);
            full.newOptimizer(config.pretrain());
            Recording seen0 = new Recording();
            Recording seen1 = new Recording();
            r0.useOptimizer(seen0);
            r1.useOptimizer(seen1);
            r0.copyFrom(full);
            r1.copyFrom(full);

            Engine.getInstance().setRandomSeed(11);
            NDArray x = m.randomNormal(new Shape(4, 1, 8, 8)).clip(-1, 1);
            NDArray sigma = m.randomUniform(0.2f, 5f, new Shape(4, 1, 1, 1), DataType.FLOAT32, Device.cpu());
            NDArray noise = m.randomNormal(new Shape(4, 1, 8, 8));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = edm.perSample(
                                x, sigma, noise, full.pass(new ParameterStore(m, false), new DropoutMasks()))
                        .mean();
                collector.backward(loss);
            }
            float[] expected = full.parameters().flatGradients(m).toFloatArray();

            List<TrainingModel> replicas = List.of(r0, r1);
            NDManager[] managers = {m0, m1};
            NDArray[] gradients = new NDArray[2];
            for (int k = 0; k < 2; k++) {
                NDIndex rows = new NDIndex((2 * k) + ":" + (2 * k + 2));
                TrainingModel replica = replicas.get(k);
                try (GradMode recording = GradMode.enabled()) {
                    NDArray loss = edm.perSample(
                                    x.get(rows),
                                    sigma.get(rows),
                                    noise.get(rows),
                                    replica.pass(new ParameterStore(managers[k], false), new DropoutMasks()))
                            .mean();
                    DataParallelStep.backward(loss);
                }
                gradients[k] = DataParallelStep.shardGradient(replica, managers[k], 2);
            }
            new ReplicaUpdate(replicas).apply(gradients, managers, 0.1);

            assertEquals(1, seen0.gradients.size());
            assertEquals(1, seen1.gradients.size());
            assertArrayEquals(seen0.gradients.get(0), seen1.gradients.get(0), 0f);
            float[] applied = seen0.gradients.get(0);
            double scale = 0;
            for (float g : expected) {
                scale = Math.max(scale, Math.abs(g));
            }
            assertTrue(scale > 1e-3, "the loss has a gradient");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], applied[i], 1e-5 * scale, "gradient " + i);
            }
        }
    }

    /** A data-parallel pipeline stopped at step 11 resumes on one device from its step-10 checkpoint, and back. */
    @Test
    void dataParallelCheckpointsResumeOnOneDeviceAndViceVersa(@TempDir Path dir) throws Exception {
        TrainingConfig config = TinyRuns.config("dp-resume", 0.04, 0.04, 4);
        RunPlan plan = RunPlan.pipeline(config);
        RecordingEvents events = new RecordingEvents();
        assertEquals(
                11,
                new TrainingLoop(config, plan, TinyRuns.dataset(12), dir, TWO_CPUS, events, null)
                        .run(11)
                        .step());
        assertEquals(
                14,
                new TrainingLoop(config, plan, TinyRuns.dataset(12), dir, Device.cpu(), events, null)
                        .run(14)
                        .step());
        TrainingLoop.Result end =
                new TrainingLoop(config, plan, TinyRuns.dataset(12), dir, TWO_CPUS, events, null).run();
        assertEquals(20, end.step());
        var checkpoint = CheckpointReader.read(end.lastCheckpoint(), null, null);
        assertEquals(Phase.ECT, checkpoint.metadata().phase());
        assertFalse(checkpoint.group(CheckpointFormat.GROUP_EMA).isEmpty());
        assertEquals(
                List.of(4L, 8L, 10L, 12L, 16L, 20L),
                events.checkpoints.stream().map(c -> c.getStep()).toList());
    }

    /** Shard k's draws come from (seed, step, k): a data-parallel run stopped and resumed ends where a straight one does. */
    @Test
    void aResumedDataParallelRunRepeatsItsDraws(@TempDir Path dir) throws Exception {
        TrainingConfig config = TinyRuns.config("dp-repeat", 0.02, 0.02, 4);
        RunPlan plan = RunPlan.pipeline(config);
        TrainingLoop.Result straight =
                new TrainingLoop(config, plan, TinyRuns.dataset(12), dir.resolve("a"), TWO_CPUS, null, null).run();
        Path b = dir.resolve("b");
        new TrainingLoop(config, plan, TinyRuns.dataset(12), b, TWO_CPUS, null, null).run(9);
        TrainingLoop.Result resumed =
                new TrainingLoop(config, plan, TinyRuns.dataset(12), b, TWO_CPUS, null, null).run();
        assertEquals(straight.step(), resumed.step());
        var left = CheckpointReader.read(straight.lastCheckpoint(), null, null);
        var right = CheckpointReader.read(resumed.lastCheckpoint(), null, null);
        for (String group : new String[] {CheckpointFormat.GROUP_STUDENT, CheckpointFormat.GROUP_EMA}) {
            for (String name : left.group(group).keySet()) {
                assertArrayEquals(
                        left.group(group).get(name).data(),
                        right.group(group).get(name).data(),
                        0f,
                        group + "/" + name);
            }
        }
    }

    @Test
    void aBatchThatDoesNotSplitEvenlyIsRefusedBeforeTraining(@TempDir Path dir) {
        TrainingConfig config = TinyRuns.config("dp-uneven", 0.04, 0.04, 4);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new TrainingLoop(
                        config,
                        RunPlan.pipeline(config),
                        TinyRuns.dataset(12),
                        dir,
                        List.of(Device.cpu(), Device.cpu(), Device.cpu()),
                        null,
                        null));
        assertEquals(
                "batch 4 does not divide evenly over 3 devices: give a batch that is a multiple of 3"
                        + " (--set <phase>.batch=N)",
                e.getMessage());
    }

    private static float[] values(TrainingModel model) {
        try (NDManager scratch = model.manager().newSubManager()) {
            return model.parameters().flatValues(scratch).toFloatArray();
        }
    }

    /** An optimizer that records the gradient it is given and changes nothing. */
    private static final class Recording implements Optimizer {
        final List<float[]> gradients = new ArrayList<>();

        @Override
        public NDArray apply(FlatParameters parameters, NDArray gradient, NDManager stepManager, double lr) {
            gradients.add(gradient.toFloatArray());
            return stepManager.create(0L);
        }

        @Override
        public long steps() {
            return gradients.size();
        }

        @Override
        public Map<String, NDArray> state() {
            return Map.of();
        }

        @Override
        public void restore(Map<String, NDArray> state, long steps) {}

        @Override
        public String name() {
            return "recording";
        }
    }
}
