package io.ectstream.trainer.cli;

import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.publish.TrainingEvents;
import picocli.CommandLine.Command;

/**
 * {@code pipeline}: diffusion pretraining for pretrain.kimg, then ECT tuning for ect.kimg initialised from the
 * teacher's EMA, in one run (one step axis, one checkpoint folder); resumable at any point.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "Pretrain a diffusion teacher (pretrain.kimg), then tune it with ECT (ect.kimg) from its EMA,"
                    + " checkpointing and announcing throughout. Rerun the same command to resume after a kill."
        })
public class PipelineCommand extends TrainingCommandBase {

    public PipelineCommand() {}

    public PipelineCommand(TrainingEvents events) {
        setEvents(events);
    }

    @Override
    RunPlan plan(TrainingConfig config) {
        if (config.pretrain().iterations() < 1 || config.ect().iterations() < 1) {
            throw new IllegalArgumentException("pipeline needs pretrain.kimg > 0 and ect.kimg > 0 (got "
                    + config.pretrain().kimg() + " and " + config.ect().kimg() + ")");
        }
        return RunPlan.pipeline(config);
    }
}
