package io.ectstream.trainer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.device.GpuMemoryProbe;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.DenoiserImageGenerator;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.SamplerSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * In-process ECT sampling throughput and peak GPU memory over a ladder of batch sizes, step counts and
 * precisions. Each measurement times whole {@link ImageGenerator#generate} calls in batched mode (host noise
 * from the seeds, the network, uint8 images back on the host): what a caller of the sampler gets.
 */
final class SamplingBench {
    /** What to measure. */
    record Plan(List<Integer> batches, List<Integer> steps, List<Precision> precisions, int warmup, int repeats) {
        Plan {
            if (batches.isEmpty() || steps.isEmpty() || precisions.isEmpty()) {
                throw new IllegalArgumentException("need at least one batch size, step count and precision");
            }
            for (int b : batches) {
                if (b < 1) {
                    throw new IllegalArgumentException("batch sizes must be >= 1, not " + b);
                }
            }
            for (int s : steps) {
                if (s != 1 && s != 2) {
                    throw new IllegalArgumentException("ECT sampling takes 1 or 2 steps, not " + s);
                }
            }
            if (warmup < 0 || repeats < 1) {
                throw new IllegalArgumentException("need --warmup >= 0 and --repeats >= 1");
            }
        }
    }

    /** One measurement; peak memory -1 where it cannot be read (CPU). */
    record Row(String precision, int steps, int batch, int repeats, double seconds, long peakGpuBytes, String device) {
        double imagesPerSecond() {
            return batch * (double) repeats / seconds;
        }

        double millisPerBatch() {
            return 1000 * seconds / repeats;
        }

        String line() {
            String memory = peakGpuBytes < 0
                    ? "n/a"
                    : String.format(Locale.ROOT, "%.2f GiB", peakGpuBytes / (double) (1L << 30));
            return String.format(
                    Locale.ROOT,
                    "%s %d-step batch %d: %.1f images/s (%.2f ms/batch over %d), peak GPU memory %s (%s)",
                    precision,
                    steps,
                    batch,
                    imagesPerSecond(),
                    millisPerBatch(),
                    repeats,
                    memory,
                    device);
        }
    }

    /** Where the weights come from: a training configuration's network at its initialisation, or a checkpoint's EMA. */
    interface Source {
        ImageGenerator load(Device device, Precision precision) throws CheckpointException;
    }

    static Source initialised(NetworkSpec spec, long seed) {
        return (device, precision) -> {
            NDManager manager = NDManager.newBaseManager(device);
            SongUNet net = new SongUNet(spec);
            net.initialize(manager, seed);
            net.toPrecision(manager, precision.dataType());
            return new DenoiserImageGenerator(manager, net, false);
        };
    }

    static Source checkpoint(Path file) {
        return (device, precision) -> new CheckpointModelLoader(device, false, precision).load(file, null);
    }

    private SamplingBench() {}

    static List<Row> run(Source source, Device device, Plan plan, Consumer<String> progress)
            throws CheckpointException {
        List<Row> rows = new ArrayList<>();
        for (Precision precision : plan.precisions()) {
            try (ImageGenerator generator = source.load(device, precision)) {
                for (int steps : plan.steps()) {
                    SamplerSettings settings = SamplerSettings.ect(steps);
                    for (int batch : plan.batches()) {
                        Row row = measure(generator, settings, batch, plan, precision, device);
                        progress.accept(row.line());
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    private static Row measure(
            ImageGenerator generator,
            SamplerSettings settings,
            int batch,
            Plan plan,
            Precision precision,
            Device device) {
        try (GpuMemoryProbe probe = new GpuMemoryProbe(device).start()) {
            long round = 0;
            for (int i = 0; i < plan.warmup(); i++) {
                generator.generate(NoiseSeeds.forImages(round++, 0, batch), settings);
            }
            long start = System.nanoTime();
            for (int i = 0; i < plan.repeats(); i++) {
                generator.generate(NoiseSeeds.forImages(round++, 0, batch), settings); // bytes on the host: synchronous
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Row(
                    precision.label(),
                    settings.steps(),
                    batch,
                    plan.repeats(),
                    seconds,
                    probe.peakBytes().orElse(-1),
                    device.toString());
        }
    }
}
