package io.ectstream.benchmarks.cli;

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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * In-process ECT sampling throughput and peak GPU memory over a ladder of batch sizes, step counts and
 * precisions, on one device or several at once (one copy of the network per device, the sampler's one-process
 * shape). Each measurement times whole {@link ImageGenerator#generate} calls in batched mode (host noise from the
 * seeds, the network, uint8 images back on the host): what a caller of the sampler gets.
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

    /**
     * One measurement over {@code devices} devices at once ({@code batch} and {@code repeats} per device, {@code
     * seconds} from their common start to the last one's end); peak memory: the highest device's, -1 where it cannot
     * be read (CPU).
     */
    record Row(
            String precision,
            int steps,
            int batch,
            int repeats,
            double seconds,
            long peakGpuBytes,
            String device,
            int devices) {
        double imagesPerSecond() {
            return batch * (double) repeats * devices / seconds;
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

    /**
     * Every measurement on every device at once: one copy of the network and one thread per device, the timed
     * generations of all devices started together, images/s counted over all of them (the slowest sets the time).
     */
    static List<Row> run(Source source, List<Device> devices, Plan plan, Consumer<String> progress)
            throws CheckpointException {
        List<Row> rows = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(devices.size(), r -> {
            Thread t = new Thread(r, "bench-sample");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Precision precision : plan.precisions()) {
                List<ImageGenerator> generators = new ArrayList<>();
                try {
                    for (Device device : devices) {
                        generators.add(source.load(device, precision));
                    }
                    for (int steps : plan.steps()) {
                        SamplerSettings settings = SamplerSettings.ect(steps);
                        for (int batch : plan.batches()) {
                            Row row = measure(threads, generators, devices, settings, batch, plan, precision);
                            progress.accept(row.line());
                            rows.add(row);
                        }
                    }
                } finally {
                    generators.forEach(ImageGenerator::close);
                }
            }
        } finally {
            threads.shutdownNow();
        }
        return rows;
    }

    private static Row measure(
            ExecutorService threads,
            List<ImageGenerator> generators,
            List<Device> devices,
            SamplerSettings settings,
            int batch,
            Plan plan,
            Precision precision) {
        int n = devices.size();
        AtomicLong started = new AtomicLong();
        CyclicBarrier go = new CyclicBarrier(n, () -> started.set(System.nanoTime()));
        List<GpuMemoryProbe> probes = new ArrayList<>();
        List<Future<Long>> ends = new ArrayList<>();
        try {
            for (int d = 0; d < n; d++) {
                ImageGenerator generator = generators.get(d);
                GpuMemoryProbe probe = new GpuMemoryProbe(devices.get(d)).start();
                probes.add(probe);
                ends.add(threads.submit(() -> {
                    long round = 0;
                    for (int i = 0; i < plan.warmup(); i++) {
                        generator.generate(NoiseSeeds.forImages(round++, 0, batch), settings);
                    }
                    go.await();
                    for (int i = 0; i < plan.repeats(); i++) {
                        generator.generate(
                                NoiseSeeds.forImages(round++, 0, batch), settings); // bytes on the host: synchronous
                    }
                    return System.nanoTime();
                }));
            }
            long end = 0;
            for (Future<Long> f : ends) {
                end = Math.max(end, f.get());
            }
            long peak = probes.stream()
                    .mapToLong(p -> p.peakBytes().orElse(-1))
                    .max()
                    .orElse(-1);
            return new Row(
                    precision.label(),
                    settings.steps(),
                    batch,
                    plan.repeats(),
                    (end - started.get()) / 1e9,
                    peak,
                    devices.stream().map(Device::toString).collect(Collectors.joining(",")),
                    n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(e.getCause().toString(), e.getCause());
        } finally {
            ends.forEach(f -> f.cancel(true));
            probes.forEach(GpuMemoryProbe::close);
        }
    }
}
