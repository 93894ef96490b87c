package io.ectstream.trainer.cli;

import io.ectstream.core.device.DeviceOptions;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the training commands: configuration file, overrides, device, run directory. */
public final class RunOptions {
    /** Where runs go when no --run-dir is given: {@code runs/<runId>}. */
    public static final Path DEFAULT_STORE_ROOT = Path.of("runs");

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "training configuration (YAML)")
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "override a configuration key, e.g. --set ect.q=256")
    List<String> overrides = new ArrayList<>();

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description = "the run's checkpoint folder <store root>/<runId> (default: runs/<runId from the config>)")
    Path runDir;

    @Option(
            names = "--threads",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "PyTorch intra-op threads on CPU (0: one per core; 1 is steadier on a machine shared with other"
                            + " jobs). Takes effect only if the engine has not started yet in this process.")
    int threads;

    /** Applies --threads before the engine starts (DJL reads the property once, at engine start). */
    void applyThreads() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, not " + threads);
        }
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
    }

    /** The configuration, with runId taken from --run-dir when one is given. */
    TrainingConfig load() {
        List<String> all = new ArrayList<>(overrides);
        if (runDir != null) {
            all.add("runId=" + runDir.toAbsolutePath().normalize().getFileName());
        }
        return TrainingConfigLoader.load(config, all);
    }

    Path storeRoot() {
        if (runDir == null) {
            return DEFAULT_STORE_ROOT;
        }
        Path parent = runDir.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of(".") : parent;
    }
}
