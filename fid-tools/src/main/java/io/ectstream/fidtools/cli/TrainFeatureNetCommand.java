package io.ectstream.fidtools.cli;

import io.ectstream.evaluator.features.FeatureNetConfig;
import io.ectstream.evaluator.features.LabeledImages;
import io.ectstream.fidtools.features.FeatureNetTrainer;
import io.ectstream.fidtools.features.FeatureNetTraining;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream train-feature-net}: trains the default FID feature network on a labelled dataset. */
@Command(
        name = "train-feature-net",
        mixinStandardHelpOptions = true,
        description = "Trains the small CNN classifier whose penultimate layer gives the default FID features,"
                + " and saves it with its SHA-256.")
public class TrainFeatureNetCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions dataset;

    @Option(
            names = "--out",
            required = true,
            description = "Feature net file to write (a .sha256 file is written beside it).")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the data (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Default ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", defaultValue = "1", description = "Shuffle and split seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--width",
            defaultValue = "16",
            description = "Filters of the first convolution (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--features", defaultValue = "64", description = "Feature dimension d (default ${DEFAULT-VALUE}).")
    int features;

    @Option(
            names = "--held-out",
            defaultValue = "0.1",
            description = "Share of images kept for the accuracy check (default ${DEFAULT-VALUE}).")
    double heldOut;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LabeledImages data = dataset.openLabeled();
        FeatureNetConfig config = new FeatureNetConfig(data.images().shape(), width, features, data.classes());
        var result = FeatureNetTrainer.train(
                data, config, new FeatureNetTraining(epochs, batchSize, learningRate, seed, heldOut), out);
        spec.commandLine()
                .getOut()
                .printf(
                        "%s  feature-net:%s  held-out accuracy %.3f on %d images (trained on %d)%n",
                        result.file(),
                        result.sha256().substring(0, 16),
                        result.heldOutAccuracy(),
                        result.heldOutImages(),
                        result.trainImages());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
