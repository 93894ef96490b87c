package io.ectstream.trainer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.data.InMemoryDataset;
import io.ectstream.core.device.Devices;
import io.ectstream.core.device.GpuMemoryProbe;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.DataFeed;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.loop.TrainingModel;
import io.ectstream.trainer.loop.TrainingStep;
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
            Measurement m = measure(
                    options.load(),
                    "pretrain".equals(phase) ? Phase.PRETRAIN : Phase.ECT,
                    Devices.select(options.device),
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
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need steps >= 1 and warmup >= 0");
        }
        PhaseConfig pc = phase == Phase.ECT ? config.ect() : config.pretrain();
        RunPlan.Stretch stretch = new RunPlan.Stretch(phase, pc, 0, 0);
        try (GpuMemoryProbe probe = new GpuMemoryProbe(device).start();
                TrainingModel model = new TrainingModel(config.networkFor(phase), device, config.seed())) {
            model.newOptimizer(pc);
            ImageDataset data = synthetic(config, Math.max(pc.batch() * 2, 64));
            TrainingStep step = new TrainingStep(
                    model,
                    new DataFeed(data, config.seed()),
                    config.seed(),
                    config.network().sigmaData());
            for (int i = 0; i < warmup; i++) {
                try (NDArray loss = step.run(stretch, i, (long) i * pc.batch())) {
                    loss.getFloat();
                }
            }
            long start = System.nanoTime();
            NDArray last = null;
            for (int i = warmup; i < warmup + steps; i++) {
                if (last != null) {
                    last.close();
                }
                last = step.run(stretch, i, (long) i * pc.batch());
            }
            last.getFloat(); // waits for the device to finish
            last.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement(
                    config.runId(),
                    phase,
                    pc.batch(),
                    steps,
                    seconds,
                    model.parameters().size(),
                    device.toString(),
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
