package io.ectstream.fidtools.cli;

import io.ectstream.core.data.DatasetKind;
import io.ectstream.core.data.DatasetSpec;
import io.ectstream.core.data.Datasets;
import io.ectstream.core.data.Fit;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.data.Split;
import io.ectstream.evaluator.features.LabeledImages;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The dataset options shared by reference-stats and train-feature-net, opened through core's {@link Datasets}. */
public class DatasetOptions {
    @Option(
            names = "--dataset",
            defaultValue = "fashion-mnist",
            description =
                    "KIND[:DIR], KIND = fashion-mnist, cifar10 or png-folder; fashion-mnist without DIR uses Debian's"
                            + " copy or the shipped subset (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--split", defaultValue = "train", description = "train or test (default ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--resolution",
            defaultValue = "28",
            description = "Image height and width; must match the generated images (default ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--channels", defaultValue = "1", description = "1 or 3 (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(
            names = "--fit",
            defaultValue = "pad",
            description = "pad or resize, for images of another size (default ${DEFAULT-VALUE}).")
    String fit;

    ImageDataset open() {
        int colon = dataset.indexOf(':');
        DatasetKind kind = DatasetKind.parse(colon < 0 ? dataset : dataset.substring(0, colon));
        Path path = colon < 0 ? null : Path.of(dataset.substring(colon + 1));
        return Datasets.open(new DatasetSpec(kind, path, Split.parse(split), resolution, channels, Fit.parse(fit)));
    }

    LabeledImages openLabeled() {
        return LabeledImages.of(open());
    }
}
