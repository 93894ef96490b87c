package io.ectstream.trainer.cli;

import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.publish.TrainingEvents;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: one phase (ECT tuning by default, or diffusion pretraining), resumable from the run's checkpoints. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train one phase: ECT tuning (default, usually with --init TEACHER.ckpt) or diffusion pretraining"
                    + " (--phase pretrain). Resumes from the newest checkpoint in the run directory."
        })
public class TrainCommand extends TrainingCommandBase {

    @Option(
            names = "--init",
            paramLabel = "CKPT",
            description = "a fresh run starts with student and EMA copied from this checkpoint's EMA weights")
    Path init;

    @Option(
            names = "--phase",
            defaultValue = "ect",
            paramLabel = "ect|pretrain",
            description = "which phase to train (default: ${DEFAULT-VALUE})")
    String phase;

    public TrainCommand() {}

    public TrainCommand(TrainingEvents events) {
        setEvents(events);
    }

    @Override
    RunPlan plan(TrainingConfig config) {
        Phase which = switch (phase.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ect" -> Phase.ECT;
            case "pretrain" -> Phase.PRETRAIN;
            default -> throw new IllegalArgumentException("--phase must be ect or pretrain, not " + phase);
        };
        return RunPlan.single(config, which);
    }

    @Override
    Path initCheckpoint() {
        return init;
    }
}
