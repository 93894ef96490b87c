package io.ectstream.trainer.cli;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.Sha256;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.safetensors.ReferenceWeights;
import io.ectstream.core.safetensors.SafetensorsException;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code import-weights}: reference-layout safetensors weights (e.g. from PyTorch) into a checkpoint. */
@Command(
        name = "import-weights",
        mixinStandardHelpOptions = true,
        description = {
            "Read a safetensors file with the parameter names of github.com/locuslab/ect's ECMPrecond(SongUNet)",
            "(what 'export-weights --format safetensors' writes, or a PyTorch state_dict saved with",
            "safetensors.torch.save_file, float32) into a checkpoint holding them as its EMA weights: what the",
            "sampler and 'train --init' read. Every tensor of the configured network must be there with its shape,",
            "and nothing else. A <out>.sha256 file is written beside it."
        })
public class ImportWeightsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--safetensors", required = true, paramLabel = "FILE", description = "safetensors file to read")
    Path safetensors;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "training configuration (YAML): its network and runId describe the checkpoint")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a configuration key")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint file to write")
    Path out;

    public ImportWeightsCommand() {}

    @Override
    public Integer call() throws Exception {
        WrittenCheckpoint written;
        try {
            TrainingConfig training = TrainingConfigLoader.load(config, overrides);
            written = ReferenceWeights.importInto(
                    safetensors, training.network(), training.runId(), TrainingConfigLoader.toTree(training), out);
        } catch (ConfigException | SafetensorsException | CheckpointException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        ExportWeightsCommand.writeShaFile(spec, out, new Sha256.FileDigest(written.sizeBytes(), written.sha256()));
        return 0;
    }
}
