package io.ectstream.trainer.cli;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.ServingExport;
import io.ectstream.core.checkpoint.Sha256;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.safetensors.ReferenceWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export-weights}: a training checkpoint cut down to its EMA weights, for serving, shipping or
 * {@code --init}, or as a safetensors file that PyTorch loads into the reference implementation's network.
 */
@Command(
        name = "export-weights",
        mixinStandardHelpOptions = true,
        description = {
            "Write a copy of a checkpoint with its metadata and EMA weights only (no student, no optimizer state):",
            "what the sampler and 'train --init' read, at a quarter of the size. With --format safetensors, the EMA"
                    + " weights under the parameter names of github.com/locuslab/ect's ECMPrecond(SongUNet) instead,",
            "which PyTorch loads with load_state_dict(strict=True). A <out>.sha256 file is written beside it."
        })
public class ExportWeightsCommand implements Callable<Integer> {
    /** What {@code export-weights} writes. */
    public enum Format {
        ckpt,
        safetensors
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "FILE",
            description = "training checkpoint (verified first)")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "file to write")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "ckpt (this project's checkpoint, default) or safetensors (reference parameter names,"
                    + " float32, for PyTorch; 'ectstream import-weights' reads it back)")
    Format format = Format.ckpt;

    @Option(
            names = "--weights",
            paramLabel = "ema|student",
            description =
                    "which weights become the export's served weights: ema (default) or student (the raw"
                            + " weights of a training checkpoint, for a short tuning run whose EMA still lags; ckpt format only)")
    String weights = "ema";

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description =
                    "the export's run id (ckpt format; default: the checkpoint's): the name a sampler serves it under")
    String runId;

    public ExportWeightsCommand() {}

    @Override
    public Integer call() throws Exception {
        Sha256.FileDigest digest;
        String group = switch (weights) {
            case "ema" -> CheckpointFormat.GROUP_EMA;
            case "student" -> CheckpointFormat.GROUP_STUDENT;
            default -> {
                spec.commandLine().getErr().println("error: --weights must be ema or student, not '" + weights + "'");
                yield null;
            }
        };
        if (group == null) {
            return 2;
        }
        if (format == Format.safetensors && runId != null) {
            spec.commandLine().getErr().println("error: --run-id is for the ckpt format only");
            return 2;
        }
        if (format == Format.safetensors && !group.equals(CheckpointFormat.GROUP_EMA)) {
            spec.commandLine().getErr().println("error: --weights student is for the ckpt format only");
            return 2;
        }
        try {
            if (format == Format.safetensors) {
                ReferenceWeights.export(checkpoint, out);
                digest = Sha256.of(out);
            } else {
                WrittenCheckpoint written = ServingExport.servable(checkpoint, out, group, runId);
                digest = new Sha256.FileDigest(written.sizeBytes(), written.sha256());
            }
        } catch (CheckpointException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        writeShaFile(spec, out, digest);
        return 0;
    }

    /** Writes {@code <file>.sha256} (sha256sum's format) and prints the file's size and hash. */
    static void writeShaFile(CommandSpec spec, Path file, Sha256.FileDigest digest) throws IOException {
        Path shaFile = file.resolveSibling(file.getFileName() + ".sha256");
        Files.writeString(shaFile, digest.sha256() + "  " + file.getFileName() + "\n", StandardCharsets.UTF_8);
        PrintWriter printer = spec.commandLine().getOut();
        printer.printf("%s  %d bytes  sha256 %s%n", file, digest.sizeBytes(), digest.sha256());
        printer.flush();
    }
}
