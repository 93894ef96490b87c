package io.ectstream.trainer.cli;

import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Tf32;
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

    @Option(
            names = "--tf32",
            description = "On a GPU, let cuDNN and cuBLAS compute float32 convolutions and matrix products in TF32:"
                    + " faster, ~1e-3 relative error per operation. Default: off, as locuslab/ect trains (this process"
                    + " runs with " + Tf32.OVERRIDE_ENV + "=0 and libtorch's cuDNN allow_tf32 flag off, the reference's"
                    + " setting); the checkpoints record the mode.")
    boolean tf32;

    /** Chooses TF32 before the engine starts (cuDNN and cuBLAS read the switch once); returns the mode in force. */
    public boolean applyTf32() {
        return Tf32.apply(tf32);
    }

    /** Applies --threads before the engine starts (DJL reads the property once, at engine start). */
    public void applyThreads() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, not " + threads);
        }
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
    }

    /** The configuration, with runId taken from --run-dir when one is given. */
    public TrainingConfig load() {
        List<String> all = new ArrayList<>(overrides);
        if (runDir != null) {
            all.add("runId=" + runDir.toAbsolutePath().normalize().getFileName());
        }
        return TrainingConfigLoader.load(config, all);
    }

    /** --device and its neighbours, for the commands that reuse these options (bench-train). */
    public DeviceOptions device() {
        return device;
    }

    Path storeRoot() {
        if (runDir == null) {
            return DEFAULT_STORE_ROOT;
        }
        Path parent = runDir.toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of(".") : parent;
    }
}
