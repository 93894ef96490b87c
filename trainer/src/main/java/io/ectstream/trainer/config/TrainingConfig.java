package io.ectstream.trainer.config;

import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.schemas.Phase;

/**
 * A whole training run, read once from YAML at the edge ({@link TrainingConfigLoader}) and passed in.
 *
 * @param runId identifier of the run (checkpoints go to {@code <store root>/<runId>/})
 * @param seed  seeds the network initialisation, the data order and every step's noise
 */
public record TrainingConfig(
        String runId,
        long seed,
        DataConfig data,
        NetworkSpec network,
        PhaseConfig pretrain,
        PhaseConfig ect,
        CheckpointConfig checkpoint,
        LogConfig log,
        NonFiniteGradientsConfig nonFiniteGradients) {

    public TrainingConfig {
        if (!CheckpointStore.isValidRunId(runId)) {
            throw new IllegalArgumentException("runId must be 1-128 letters, digits, '.', '_' or '-', start with a"
                    + " letter or digit and contain no '..' (it names a folder), not "
                    + (runId == null ? "missing" : "'" + runId + "'"));
        }
        if (data == null || network == null || pretrain == null || ect == null || checkpoint == null || log == null) {
            throw new IllegalArgumentException("data, network, pretrain, ect, checkpoint and log are required");
        }
        if (nonFiniteGradients == null) {
            // configurations stored before this setting existed
            nonFiniteGradients = NonFiniteGradientsConfig.DEFAULT;
        }
        if (network.inChannels() != network.outChannels()) {
            throw new IllegalArgumentException("network.outChannels must equal inChannels for a denoiser: "
                    + network.inChannels() + " vs " + network.outChannels());
        }
    }

    /** The network a phase trains and its checkpoints record: {@code network} with the phase's dropout. */
    public NetworkSpec networkFor(Phase phase) {
        return (phase == Phase.PRETRAIN ? pretrain : ect).network(network);
    }

    /** @param everySteps write a checkpoint every this many steps (and at the end of each phase) */
    public record CheckpointConfig(int everySteps) {
        public CheckpointConfig {
            if (everySteps < 1) {
                throw new IllegalArgumentException("checkpoint.everySteps must be at least 1, not " + everySteps);
            }
        }
    }

    /** @param everySteps a progress line and a TrainingProgress event every this many steps */
    public record LogConfig(int everySteps) {
        public LogConfig {
            if (everySteps < 1) {
                throw new IllegalArgumentException("log.everySteps must be at least 1, not " + everySteps);
            }
        }
    }

    /**
     * The gradient guard replaces NaN and infinite gradient values (the reference's nan_to_num) and counts them; a run
     * whose gradients hold such values in more than {@code maxConsecutiveSteps} steps in a row stops.
     */
    public record NonFiniteGradientsConfig(int maxConsecutiveSteps) {
        public static final NonFiniteGradientsConfig DEFAULT = new NonFiniteGradientsConfig(50);

        public NonFiniteGradientsConfig {
            if (maxConsecutiveSteps < 0) {
                throw new IllegalArgumentException(
                        "nonFiniteGradients.maxConsecutiveSteps must be >= 0, not " + maxConsecutiveSteps);
            }
        }
    }
}
