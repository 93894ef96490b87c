package io.ectstream.trainer.cli;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.ServingExport;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export-weights}: a training checkpoint cut down to its EMA weights, for serving, shipping or {@code --init}. */
@Command(
        name = "export-weights",
        mixinStandardHelpOptions = true,
        description = {
            "Write a copy of a checkpoint with its metadata and EMA weights only (no student, no optimizer state):",
            "what the sampler and 'train --init' read, at a quarter of the size. A <out>.sha256 file is written beside it."
        })
public class ExportWeightsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "FILE",
            description = "training checkpoint (verified first)")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint file to write")
    Path out;

    public ExportWeightsCommand() {}

    @Override
    public Integer call() throws Exception {
        WrittenCheckpoint written;
        try {
            written = ServingExport.emaOnly(checkpoint, out);
        } catch (CheckpointException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        Path shaFile = out.resolveSibling(out.getFileName() + ".sha256");
        Files.writeString(shaFile, written.sha256() + "  " + out.getFileName() + "\n", StandardCharsets.UTF_8);
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf("%s  %d bytes  sha256 %s%n", out, written.sizeBytes(), written.sha256());
        printer.flush();
        return 0;
    }
}
