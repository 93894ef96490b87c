package io.ectstream.benchmarks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GPU self-test's ECT steps replay on the second device exactly what the CPU drew (images, t, r, noise, dropout
 * masks in the blocks' order): run with the CPU as the second device, the two runs must give the same bits, so any
 * difference on a GPU is its arithmetic.
 */
class EctStepsOnDeviceTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));

    @Test
    void onTheCpuAgainstItselfTheTwoRunsAreIdentical() {
        TrainingConfig config = TrainingConfigLoader.load(
                REPO.resolve("configs/fashion-ect-1hour.yaml"),
                List.of("ect.batch=4", "data.path=" + REPO.resolve("data/fashion-mnist-subset")));
        EctStepsOnDevice.Difference d =
                EctStepsOnDevice.run(config, REPO.resolve("models/fashion-teacher.ckpt"), Device.cpu(), 6);
        assertEquals(0.0, d.update(), "student update");
        assertEquals(0.0, d.losses(), "batch losses");
    }
}
