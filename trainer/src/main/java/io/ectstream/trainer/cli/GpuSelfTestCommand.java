package io.ectstream.trainer.cli;

import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.nio.file.Path;
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
        description = "GPU checks: CPU vs GPU output and gradients, fp16 vs fp32, peak memory ceilings.")
public class GpuSelfTestCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            defaultValue = "configs/cifar10.yaml",
            paramLabel = "FILE",
            description = "training configuration of the network and ECT step (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() {
        if (!GpuSelfTest.gpuVisible()) {
            System.err.println("gpu-selftest: no GPU visible to DJL; nothing checked");
            return 3;
        }
        try {
            List<GpuSelfTest.Check> checks =
                    GpuSelfTest.run(TrainingConfigLoader.load(config, List.of()), System.out::println);
            long failed = checks.stream().filter(c -> !c.passed()).count();
            System.out.println("gpu-selftest: " + (checks.size() - failed) + " of " + checks.size() + " checks passed");
            return failed == 0 ? 0 : 1;
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
