package io.ectstream.benchmarks.cli;

import ai.djl.Device;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.data.InMemoryDataset;
import io.ectstream.core.device.Devices;
import io.ectstream.core.device.GpuMemoryProbe;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.cli.RunOptions;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.DataFeed;
import io.ectstream.trainer.loop.DataParallelStep;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.loop.StepRunner;
import io.ectstream.trainer.loop.TrainingModel;
import io.ectstream.trainer.loop.TrainingStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-train}: training throughput of a configuration on this machine. Runs the real training step
 * (loss, backward, optimizer, EMA) on synthetic images of the configured shape; no checkpoints, no data files.
 */
@Command(
        name = "bench-train",
        mixinStandardHelpOptions = true,
        description = "Measure training images/s of a configuration (synthetic data, the real step).")
public class BenchTrainCommand implements Callable<Integer> {

    @Mixin
    RunOptions options = new RunOptions();

    @Option(
            names = "--phase",
            defaultValue = "ect",
            paramLabel = "ect|pretrain",
            description = "default: ${DEFAULT-VALUE}")
    String phase;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--steps", defaultValue = "5", description = "timed steps (default: ${DEFAULT-VALUE})")
    int steps;

    /** What one benchmark measured. */
    public record Measurement(
            String runId,
            Phase phase,
            int batch,
            int steps,
            double seconds,
            long parameters,
            String device,
            long peakGpuBytes) {
        public double imagesPerSecond() {
            return batch * (double) steps / seconds;
        }

        public String line() {
            String memory = peakGpuBytes < 0
                    ? ""
                    : String.format(Locale.ROOT, ", peak GPU memory %.2f GiB", peakGpuBytes / (double) (1L << 30));
            return String.format(
                    Locale.ROOT,
                    "%s %s: %d steps of batch %d in %.2f s = %.1f images/s (%.0f ms/step," + " %,d parameters, %s%s)",
                    runId,
                    phase,
                    steps,
                    batch,
                    seconds,
                    imagesPerSecond(),
                    1000 * seconds / steps,
                    parameters,
                    device,
                    memory);
        }
    }

    @Override
    public Integer call() {
        try {
            options.applyThreads();
            options.applyTf32();
            Measurement m = measure(
                    options.load(),
                    "pretrain".equals(phase) ? Phase.PRETRAIN : Phase.ECT,
                    Devices.selectAll(options.device()),
                    warmup,
                    steps);
            System.out.println(m.line());
            return 0;
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    public static Measurement measure(TrainingConfig config, Phase phase, Device device, int warmup, int steps) {
        return measure(config, phase, List.of(device), warmup, steps);
    }

    /**
     * Several devices: the data-parallel step over one replica per device, images/s of the whole group (the peak
     * GPU memory is the first device's).
     */
    public static Measurement measure(TrainingConfig config, Phase phase, List<Device> devices, int warmup, int steps) {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need steps >= 1 and warmup >= 0");
        }
        PhaseConfig pc = phase == Phase.ECT ? config.ect() : config.pretrain();
        DataParallelStep.shardSize(pc.batch(), devices.size());
        RunPlan.Stretch stretch = new RunPlan.Stretch(phase, pc, 0, 0);
        Device device = devices.get(0);
        List<TrainingModel> replicas = new ArrayList<>();
        try (GpuMemoryProbe probe = new GpuMemoryProbe(device).start();
                TrainingModel model = new TrainingModel(config.networkFor(phase), device, config.seed())) {
            model.newOptimizer(pc);
            ImageDataset data = synthetic(config, Math.max(pc.batch() * 2, 64));
            DataFeed feed = new DataFeed(data, config.seed());
            DataParallelStep group = null;
            StepRunner step;
            if (devices.size() == 1) {
                TrainingStep single = new TrainingStep(
                        model, feed, config.seed(), config.network().sigmaData());
                step = single;
            } else {
                replicas.add(model);
                for (Device other : devices.subList(1, devices.size())) {
                    TrainingModel replica = new TrainingModel(config.networkFor(phase), other, config.seed());
                    replica.newOptimizer(pc);
                    replica.copyFrom(model);
                    replicas.add(replica);
                }
                group = new DataParallelStep(
                        replicas, feed, config.seed(), config.network().sigmaData());
                step = group;
            }
            try {
                return timed(config, phase, pc, stretch, step, warmup, steps, model, devices, probe);
            } finally {
                if (group != null) {
                    group.close();
                }
                for (TrainingModel replica : replicas.subList(Math.min(1, replicas.size()), replicas.size())) {
                    replica.close();
                }
            }
        }
    }

    private static Measurement timed(
            TrainingConfig config,
            Phase phase,
            PhaseConfig pc,
            RunPlan.Stretch stretch,
            StepRunner step,
            int warmup,
            int steps,
            TrainingModel model,
            List<Device> devices,
            GpuMemoryProbe probe) {
        {
            for (int i = 0; i < warmup; i++) {
                try (StepRunner.Outcome outcome = step.run(stretch, i, (long) i * pc.batch())) {
                    outcome.loss().getFloat();
                }
            }
            long start = System.nanoTime();
            StepRunner.Outcome last = null;
            for (int i = warmup; i < warmup + steps; i++) {
                if (last != null) {
                    last.close();
                }
                last = step.run(stretch, i, (long) i * pc.batch());
            }
            last.loss().getFloat(); // waits for the device to finish
            last.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement(
                    config.runId(),
                    phase,
                    pc.batch(),
                    steps,
                    seconds,
                    model.parameters().size(),
                    devices.size() == 1 ? devices.get(0).toString() : devices + " data-parallel",
                    probe.peakBytes().orElse(-1));
        }
    }

    private static ImageDataset synthetic(TrainingConfig config, int count) {
        ImageShape shape = new ImageShape(
                config.network().inChannels(),
                config.network().imgResolution(),
                config.network().imgResolution());
        byte[] pixels = new byte[count * shape.pixels()];
        Random random = new Random(config.seed());
        byte[] image = new byte[shape.pixels()];
        for (int k = 0; k < count; k++) {
            random.nextBytes(image);
            System.arraycopy(image, 0, pixels, k * image.length, image.length);
        }
        return new InMemoryDataset("synthetic-" + count, shape, pixels, null);
    }
}
