package io.ectstream.fidtools.cli;

import io.ectstream.fidtools.plot.FidCurves;
import io.ectstream.fidtools.plot.FidPlot;
import io.ectstream.fidtools.score.ScoreResult;
import io.ectstream.fidtools.score.ScoreResultsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream fid-plot}: FID against images seen as a PNG, from the results files of {@code ectstream score}. */
@Command(
        name = "fid-plot",
        mixinStandardHelpOptions = true,
        description =
                "Plots FID (log scale) against images seen (kimg): one curve per sampler over the ECT checkpoints,"
                        + " the teacher's (PRETRAIN) FIDs as dashed reference lines.")
public class FidPlotCommand implements Callable<Integer> {
    @Option(
            names = "--results",
            required = true,
            arity = "1..*",
            description = "Results files (JSON lines) of ectstream score.")
    List<Path> results;

    @Option(names = "--out", required = true, description = "PNG file to write.")
    Path out;

    @Option(names = "--title", defaultValue = "FID against images seen", description = "Default: ${DEFAULT-VALUE}.")
    String title;

    @Option(names = "--width", defaultValue = "900", description = "Default ${DEFAULT-VALUE} pixels.")
    int width;

    @Option(names = "--height", defaultValue = "560", description = "Default ${DEFAULT-VALUE} pixels.")
    int height;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<ScoreResult> all = new ArrayList<>();
        for (Path file : results) {
            all.addAll(ScoreResultsFile.read(file));
        }
        FidCurves curves = FidCurves.of(all);
        FidPlot.write(curves, title, width, height, out);
        spec.commandLine()
                .getOut()
                .printf(
                        "wrote %s: %d curves, %d teacher lines from %d results%n",
                        out, curves.curves().size(), curves.teacherLevels().size(), all.size());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
