package io.ectstream.fidtools.cli;

import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ectstream fid A B}: the FID between two image folders, two .npy feature files, or either against a reference stats file. */
@Command(
        name = "fid",
        mixinStandardHelpOptions = true,
        description = "Prints the FID between A and B: image folders, .npy feature files ([n, d], float32/float64)"
                + " or reference statistics files (B is the reference).")
public class FidCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Generated images or features.")
    Path a;

    @Parameters(index = "1", description = "Reference images, features or statistics.")
    Path b;

    @Option(
            names = "--extractor",
            description = "For image folders: feature-net:FILE, torchscript:FILE or random-projection:D[:SEED].")
    String extractor;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description = "Images per feature batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GaussianStatistics generated;
        GaussianStatistics reference;
        try {
            generated = FeatureSources.statistics(a, extractor, null, batchSize);
            reference = FeatureSources.statistics(b, extractor, null, batchSize);
        } catch (IllegalArgumentException | NoSuchFileException e) {
            // a missing folder or file, an image folder without --extractor: the user's to fix, no stack trace
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        double fid = new FrechetDistance(reference).distance(generated);
        spec.commandLine().getOut().printf("FID: %.6f%n", fid);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
