package io.ectstream.benchmarks.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.data.Datasets;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.ect.EctLoss;
import io.ectstream.trainer.loop.DataFeed;
import io.ectstream.trainer.loop.StepSeeds;
import io.ectstream.trainer.loop.TrainingModel;
import io.ectstream.trainer.loop.TrainingStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run of ECT training steps computed twice from the same draws, on the CPU and on {@code device}: the teacher, the
 * phase's recipe, the images, noise levels, noise and dropout masks are the same, so the two runs differ only by
 * their devices' float32 arithmetic. The CPU's matches locuslab/ect's step for step (EctTrajectoryParityTest); a
 * device whose student update or losses drift far from the CPU's trains differently from the reference.
 */
final class EctStepsOnDevice {
    /** What the device's run differs from the CPU's by: the student update's and the per-step losses' relative L2. */
    record Difference(double update, double losses) {}

    private EctStepsOnDevice() {}

    static Difference run(TrainingConfig config, Path teacher, Device device, int steps) {
        PhaseConfig phase = config.ect();
        Map<String, HostTensor> teacherEma = teacherEma(teacher);
        try (TrainingModel cpu = model(config, teacherEma, Device.cpu());
                TrainingModel onDevice = model(config, teacherEma, device)) {
            float[] startCpu = cpu.parameters().flatValues(cpu.manager()).toFloatArray();
            float[] startDevice =
                    onDevice.parameters().flatValues(onDevice.manager()).toFloatArray();
            DataFeed feed = new DataFeed(Datasets.open(config.data().toSpec(config.network())), config.seed());
            EctLoss ect = new EctLoss(phase.schedule(), phase.c());
            float[] lossCpu = new float[steps];
            float[] lossDevice = new float[steps];
            for (int k = 0; k < steps; k++) {
                try (NDManager hostStep = cpu.manager().newSubManager();
                        NDManager deviceStep = onDevice.manager().newSubManager()) {
                    long images = (long) k * phase.batch();
                    Engine.getInstance().setRandomSeed(StepSeeds.forStep(config.seed(), k));
                    EctLoss.Draw draw = ect.draw(hostStep, feed.batch(hostStep, images, phase.batch()), 0);
                    List<NDArray> masks = new ArrayList<>();
                    DropoutMasks recorded = new DropoutMasks((x, p) -> {
                        NDArray keep = DropoutMasks.uniformKeep(x, p);
                        masks.add(keep);
                        return keep;
                    });
                    lossCpu[k] = TrainingStep.ectBackward(
                                    ect, draw, cpu.pass(new ParameterStore(hostStep, false), recorded))
                            .getFloat();
                    TrainingStep.update(cpu, phase, hostStep, images);
                    int[] order = {0};
                    DropoutMasks replayed = new DropoutMasks((x, p) -> copy(masks.get(order[0]++), deviceStep, device));
                    EctLoss.Draw copied = new EctLoss.Draw(
                            copy(draw.x(), deviceStep, device),
                            copy(draw.t(), deviceStep, device),
                            copy(draw.r(), deviceStep, device),
                            copy(draw.e(), deviceStep, device));
                    lossDevice[k] = TrainingStep.ectBackward(
                                    ect, copied, onDevice.pass(new ParameterStore(deviceStep, false), replayed))
                            .getFloat();
                    TrainingStep.update(onDevice, phase, deviceStep, images);
                }
            }
            float[] updateCpu = minus(cpu.parameters().flatValues(cpu.manager()).toFloatArray(), startCpu);
            float[] updateDevice =
                    minus(onDevice.parameters().flatValues(onDevice.manager()).toFloatArray(), startDevice);
            return new Difference(
                    GpuSelfTest.relative(updateDevice, updateCpu), GpuSelfTest.relative(lossDevice, lossCpu));
        }
    }

    private static TrainingModel model(TrainingConfig config, Map<String, HostTensor> teacherEma, Device device) {
        TrainingModel model = new TrainingModel(config.networkFor(Phase.ECT), device, config.seed());
        try {
            model.initFromEma(teacherEma);
        } catch (CheckpointException e) {
            model.close();
            throw new IllegalArgumentException("the teacher does not fit the configured network: " + e.getMessage());
        }
        model.newOptimizer(config.ect());
        return model;
    }

    private static Map<String, HostTensor> teacherEma(Path teacher) {
        try {
            return CheckpointReader.read(teacher, null, Set.of(CheckpointFormat.GROUP_EMA))
                    .group(CheckpointFormat.GROUP_EMA);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException("cannot read the teacher " + teacher + ": " + e.getMessage());
        }
    }

    private static NDArray copy(NDArray array, NDManager manager, Device device) {
        NDArray moved = array.toDevice(device, true);
        moved.attach(manager);
        return moved;
    }

    private static float[] minus(float[] after, float[] before) {
        float[] d = new float[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((double) after[i] - before[i]);
        }
        return d;
    }
}
