package io.ectstream.benchmarks.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.Precision;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import io.ectstream.trainer.loop.TrainingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The checks that need a GPU, runnable from the jar (the GPU machine has no Maven): the CIFAR-10 network's
 * output and gradients on the GPU against the CPU, and peak GPU memory of sampling and of a training step
 * against a ceiling per configuration, and the convolution arithmetic ({@link ConvolutionNumerics}): full float32
 * when TF32 is off (the training default), TF32 when it is allowed. The CPU-vs-GPU tolerances leave room for TF32
 * (10-bit mantissa, ~1e-3 relative), so the same checks pass in both modes.
 */
public final class GpuSelfTest {
    /** Relative L2 error allowed between GPU (fp32, TF32 convolutions) and CPU output. */
    public static final double OUTPUT_TOLERANCE = 1e-2;
    /** Relative L2 error allowed between GPU and CPU parameter gradients. */
    public static final double GRADIENT_TOLERANCE = 2e-2;
    /** Relative L2 error allowed between fp16 and fp32 output on the GPU. */
    public static final double FP16_TOLERANCE = 1e-2;
    /** Ceilings in GiB of used device memory (cudaMemGetInfo, context and allocator cache included). */
    public static final double SAMPLE_1024_CEILING_GIB = 24;

    public static final double ECT_STEP_128_CEILING_GIB = 36;
    /**
     * Relative L2 allowed between the GPU's and the CPU's student update after {@link #ectSteps}: both in float32,
     * where the reference's own float32 run is off its float64 one by a median 3.4e-3 per tensor after 12 steps.
     */
    public static final double ECT_UPDATE_TOLERANCE = 2e-2;
    /**
     * The same with TF32 convolutions (--tf32): their 10-bit mantissa moves the update by a few percent in 12 steps
     * (0.026 on an H100, 2026-12-07, against 1.0e-4 with TF32 off); beyond this something else is wrong.
     */
    public static final double ECT_UPDATE_TOLERANCE_TF32 = 1e-1;

    /** One check: what was measured against its limit. */
    public record Check(String name, double value, double limit, boolean passed) {
        public String line() {
            return String.format(Locale.ROOT, "%s %s: %.4g (limit %.4g)", passed ? "PASS" : "FAIL", name, value, limit);
        }
    }

    private GpuSelfTest() {}

    public static boolean gpuVisible() {
        return Engine.getInstance().getGpuCount() > 0;
    }

    /**
     * The convolution check alone: with TF32 off ({@code tf32} false) the GPU's float32 convolution must agree with
     * float64 within {@link ConvolutionNumerics#FLOAT32_BOUND}; with TF32 allowed it must not (or TF32 is not in use).
     */
    public static Check numerics(boolean tf32, Consumer<String> progress) {
        double error = ConvolutionNumerics.relativeErrorVsFloat64(Device.gpu());
        double bound = ConvolutionNumerics.FLOAT32_BOUND;
        Check check = tf32
                ? new Check(
                        "3x3 convolution, gpu fp32 vs fp64, relative L2 (TF32 on: at least)",
                        error,
                        bound,
                        error > bound)
                : new Check("3x3 convolution, gpu fp32 vs fp64, relative L2 (TF32 off)", error, bound, error <= bound);
        progress.accept(check.line());
        return check;
    }

    /** Runs every check on the first GPU; {@code config} gives the training step's configuration. */
    public static List<Check> run(TrainingConfig config, boolean tf32, Consumer<String> progress) {
        List<Check> checks = new ArrayList<>();
        checks.add(numerics(tf32, progress));
        Device gpu = Device.gpu();
        NetworkSpec spec = config.network();
        double[] errors = forwardAndGradientErrors(spec, gpu);
        add(checks, progress, "cifar10 forward, gpu vs cpu, relative L2", errors[0], OUTPUT_TOLERANCE);
        add(checks, progress, "cifar10 parameter gradients, gpu vs cpu, relative L2", errors[1], GRADIENT_TOLERANCE);
        add(checks, progress, "cifar10 forward, fp16 vs fp32 on gpu, relative L2", errors[2], FP16_TOLERANCE);
        SamplingBench.Plan plan = new SamplingBench.Plan(List.of(1024), List.of(1), List.of(Precision.FP32), 1, 1);
        try {
            SamplingBench.Row row = SamplingBench.run(SamplingBench.initialised(spec, 1), List.of(gpu), plan, progress)
                    .get(0);
            add(
                    checks,
                    progress,
                    "1-step sampling, batch 1024, fp32: peak GiB",
                    gib(row.peakGpuBytes()),
                    SAMPLE_1024_CEILING_GIB);
        } catch (io.ectstream.core.checkpoint.CheckpointException e) {
            throw new IllegalStateException(e);
        }
        BenchTrainCommand.Measurement ect = BenchTrainCommand.measure(config, Phase.ECT, gpu, 1, 2);
        add(
                checks,
                progress,
                "ECT training step, batch " + ect.batch() + ": peak GiB",
                gib(ect.peakGpuBytes()),
                ECT_STEP_128_CEILING_GIB);
        return checks;
    }

    /**
     * {@code steps} ECT steps of configs/fashion-ect-1hour.yaml's recipe at {@code batch} on models/fashion-teacher.ckpt
     * and the built-in Fashion-MNIST subset, on the CPU and on the first GPU from the same draws
     * ({@link EctStepsOnDevice}): the student update's and the losses' relative L2, GPU against CPU.
     */
    public static List<Check> ectSteps(int steps, int batch, boolean tf32, Consumer<String> progress) {
        TrainingConfig config = TrainingConfigLoader.load(
                Path.of("configs", "fashion-ect-1hour.yaml"),
                List.of("ect.batch=" + batch, "data.path=" + Path.of("data", "fashion-mnist-subset")));
        EctStepsOnDevice.Difference d =
                EctStepsOnDevice.run(config, Path.of("models", "fashion-teacher.ckpt"), Device.gpu(), steps);
        double limit = tf32 ? ECT_UPDATE_TOLERANCE_TF32 : ECT_UPDATE_TOLERANCE;
        String mode = " (batch " + batch + (tf32 ? ", TF32 on)" : ", TF32 off)");
        List<Check> checks = new ArrayList<>();
        add(checks, progress, steps + " ECT steps, student update, gpu vs cpu, relative L2" + mode, d.update(), limit);
        add(checks, progress, steps + " ECT steps, batch losses, gpu vs cpu, relative L2" + mode, d.losses(), limit);
        return checks;
    }

    private static void add(List<Check> checks, Consumer<String> progress, String name, double value, double limit) {
        Check check = new Check(name, value, limit, value >= 0 && value <= limit);
        checks.add(check);
        progress.accept(check.line());
    }

    private static double gib(long bytes) {
        return bytes < 0 ? -1 : bytes / (double) (1L << 30);
    }

    /** {output error, gradient error, fp16 output error} of the denoiser at two noise levels, batch 2. */
    static double[] forwardAndGradientErrors(NetworkSpec spec, Device gpu) {
        float[][] cpu = pass(spec, Device.cpu(), false);
        float[][] onGpu = pass(spec, gpu, false);
        float[][] half = pass(spec, gpu, true);
        return new double[] {relative(onGpu[0], cpu[0]), relative(onGpu[1], cpu[1]), relative(half[0], onGpu[0])};
    }

    /** {D(x, sigma), flat gradient of sum(D^2)} for fixed weights and inputs; fp16: output only, no gradient. */
    private static float[][] pass(NetworkSpec spec, Device device, boolean fp16) {
        try (TrainingModel model = new TrainingModel(spec, device, 7)) {
            NDManager manager = model.manager();
            SongUNet net = model.network();
            // init_zero output layers make F ~ 0; scaled weights make the whole network matter
            net.namedParameters().forEach((name, p) -> {
                if (name.contains("conv1") || name.contains("aux_conv") || name.contains("proj")) {
                    p.getArray().muli(1e4f);
                }
            });
            java.util.Random random = new java.util.Random(11);
            int pixels = spec.inChannels() * spec.imgResolution() * spec.imgResolution();
            float[] host = new float[2 * pixels];
            for (int i = 0; i < host.length; i++) {
                host[i] = (float) random.nextGaussian();
            }
            try (NDManager step = manager.newSubManager()) {
                NDArray x =
                        step.create(host, new Shape(2, spec.inChannels(), spec.imgResolution(), spec.imgResolution()));
                NDArray sigma = step.create(new float[] {0.5f, 20f});
                Denoiser denoiser = new Denoiser(net);
                ParameterStore ps = new ParameterStore(step, false);
                if (fp16) {
                    net.toPrecision(manager, Precision.FP16.dataType());
                    return new float[][] {
                        denoiser.denoise(ps, x, sigma, false, Mode.SAMPLING, null)
                                .toFloatArray(),
                        null
                    };
                }
                NDArray out;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    out = denoiser.denoise(ps, x, sigma, true, Mode.SAMPLING, null);
                    collector.backward(out.square().sum());
                }
                return new float[][] {
                    out.toFloatArray(), model.parameters().flatGradients(step).toFloatArray()
                };
            }
        }
    }

    static double relative(float[] got, float[] want) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < want.length; i++) {
            double d = (double) got[i] - want[i];
            diff += d * d;
            norm += (double) want[i] * want[i];
        }
        return Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
    }
}
