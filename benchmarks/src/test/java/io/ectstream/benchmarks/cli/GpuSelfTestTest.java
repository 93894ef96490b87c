package io.ectstream.benchmarks.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ectstream.core.device.Tf32;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The GPU checks (see {@link GpuSelfTest} for the tolerances and ceilings). Skipped where DJL sees no GPU, as
 * in CI; on the GPU machine, which has no Maven, the same checks run as {@code ectstream gpu-selftest}.
 */
@Tag("gpu")
class GpuSelfTestTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));

    @Test
    void cifar10NetworkOnTheGpuAgreesWithTheCpuAndStaysUnderItsMemoryCeilings() {
        assumeTrue(GpuSelfTest.gpuVisible(), "no GPU visible to DJL (CI has none): the gpu-tagged checks are skipped");
        List<GpuSelfTest.Check> checks = GpuSelfTest.run(
                TrainingConfigLoader.load(REPO.resolve("configs/cifar10.yaml"), List.of()), Tf32.allowed(), line -> {});
        for (GpuSelfTest.Check check : checks) {
            assertTrue(check.passed(), check.line());
        }
    }

    @Test
    void relativeErrorIsTheL2RatioOfTheDifference() {
        assertTrue(Math.abs(GpuSelfTest.relative(new float[] {3, 4}, new float[] {3, 4})) < 1e-12);
        assertTrue(Math.abs(GpuSelfTest.relative(new float[] {3, 5}, new float[] {3, 4}) - 0.2) < 1e-9);
    }
}
