package io.ectstream.benchmarks.cli;

import io.ectstream.core.device.Devices;
import io.ectstream.core.device.Tf32;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gpu-selftest} (hidden): the checks of the {@code gpu}-tagged tests, from the jar, for the GPU machine
 * where there is no Maven. Exit 0 when all pass, 1 when one fails, 3 when no GPU is visible.
 */
@Command(
        name = "gpu-selftest",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "GPU checks: the convolution arithmetic (TF32 off unless --tf32), CPU vs GPU output and"
                + " gradients, fp16 vs fp32, peak memory ceilings.")
public class GpuSelfTestCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            defaultValue = "configs/cifar10.yaml",
            paramLabel = "FILE",
            description = "training configuration of the network and ECT step (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--tf32", description = "allow TF32, as `train --tf32` does, and check that it is in use")
    boolean tf32;

    @Option(names = "--numerics-only", description = "only the convolution arithmetic check")
    boolean numericsOnly;

    @Option(
            names = "--ect-steps",
            defaultValue = "0",
            paramLabel = "N",
            description = "also train N ECT steps of configs/fashion-ect-1hour.yaml's recipe on the shipped teacher"
                    + " (models/fashion-teacher.ckpt), at --ect-batch, on the CPU and on the GPU from the same draws, and"
                    + " check that the GPU's weights move as the CPU's (0: skip; default: ${DEFAULT-VALUE})")
    int ectSteps;

    @Option(
            names = "--ect-batch",
            defaultValue = "32",
            paramLabel = "B",
            description =
                    "the batch of --ect-steps (training's is 128; cuDNN may pick other algorithms per shape; default:"
                            + " ${DEFAULT-VALUE})")
    int ectBatch;

    @Option(
            names = "--cudnn-benchmark",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "check with cuDNN's benchmark mode as training runs it (default ${DEFAULT-VALUE}; see"
                    + " train --cudnn-benchmark)")
    boolean cudnnBenchmark = true;

    @Override
    public Integer call() {
        Tf32.apply(tf32); // before the engine starts, like the training commands
        if (!GpuSelfTest.gpuVisible()) {
            System.err.println("gpu-selftest: no GPU visible to DJL; nothing checked");
            return 3;
        }
        Devices.configureGpuNumerics(cudnnBenchmark);
        System.out.println(
                "gpu-selftest: TF32 " + (tf32 ? "on" : "off") + ", cuDNN benchmark " + (cudnnBenchmark ? "on" : "off"));
        try {
            List<GpuSelfTest.Check> checks = new ArrayList<>(
                    numericsOnly
                            ? List.of(GpuSelfTest.numerics(tf32, System.out::println))
                            : GpuSelfTest.run(TrainingConfigLoader.load(config, List.of()), tf32, System.out::println));
            if (ectSteps > 0) {
                checks.addAll(GpuSelfTest.ectSteps(ectSteps, ectBatch, tf32, System.out::println));
            }
            long failed = checks.stream().filter(c -> !c.passed()).count();
            System.out.println("gpu-selftest: " + (checks.size() - failed) + " of " + checks.size() + " checks passed");
            return failed == 0 ? 0 : 1;
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
