package io.ectstream.core.data;

import io.ectstream.core.sampling.ImageShape;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens a dataset from a {@link DatasetSpec}: finds its files, decodes them and fits every image. */
public final class Datasets {
    private static final Logger log = LoggerFactory.getLogger(Datasets.class);

    private Datasets() {}

    /** Opens {@code spec} with the default locations seen from the working directory. */
    public static ImageDataset open(DatasetSpec spec) {
        return open(spec, DatasetLocations.defaults());
    }

    /**
     * Opens {@code spec}. A Fashion-MNIST spec with no folder (or Debian's folder) falls back to the
     * shipped subset when the full dataset is not installed; an explicitly named other folder never does.
     *
     * @throws DatasetFormatException when files are missing, truncated, corrupt or of the wrong format
     */
    public static ImageDataset open(DatasetSpec spec, DatasetLocations locations) {
        ImageShape shape = new ImageShape(spec.channels(), spec.resolution(), spec.resolution());
        long started = System.nanoTime();
        InMemoryDataset dataset = switch (spec.kind()) {
            case FASHION_MNIST -> openFashionMnist(spec, locations, shape);
            case CIFAR10 -> {
                Path folder = spec.path() != null ? spec.path() : locations.cifar10();
                DecodedImages decoded = Cifar10Batches.read(folder, spec.split());
                yield fitAll("cifar10-" + splitName(spec) + "@" + folder, decoded, shape, spec.fit(), 10);
            }
            case PNG_FOLDER -> openPngFolder(spec, shape);
        };
        log.info("Dataset {} loaded in {} ms", dataset, (System.nanoTime() - started) / 1_000_000);
        return dataset;
    }

    private static InMemoryDataset openFashionMnist(DatasetSpec spec, DatasetLocations locations, ImageShape shape) {
        Path folder = resolveFashionMnist(spec, locations);
        DecodedImages decoded = FashionMnistFiles.read(folder, spec.split());
        return fitAll("fashion-mnist-" + splitName(spec) + "@" + folder, decoded, shape, spec.fit(), 10);
    }

    static Path resolveFashionMnist(DatasetSpec spec, DatasetLocations locations) {
        Path requested = spec.path() != null ? spec.path() : locations.fashionMnist();
        boolean defaultPlace = spec.path() == null || spec.path().equals(locations.fashionMnist());
        if (FashionMnistFiles.present(requested, spec.split()) || !defaultPlace) {
            log.info("Fashion-MNIST: using {} ({})", requested, defaultPlace ? "full dataset" : "configured folder");
            return requested;
        }
        Path subset = locations.fashionMnistSubset();
        if (subset == null || !FashionMnistFiles.present(subset, spec.split())) {
            throw new DatasetFormatException(
                    requested,
                    "Fashion-MNIST is not installed there (apt-get install "
                            + "dataset-fashion-mnist) and the shipped subset data/fashion-mnist-subset was not found either");
        }
        log.info("Fashion-MNIST: full dataset not found in {}, using the shipped subset {}", requested, subset);
        return subset;
    }

    private static InMemoryDataset openPngFolder(DatasetSpec spec, ImageShape shape) {
        if (spec.path() == null) {
            throw new IllegalArgumentException("a png-folder dataset needs a path");
        }
        PngFolder.Contents contents = PngFolder.read(spec.path());
        List<DecodedImages> images = contents.images();
        byte[] pixels = new byte[images.size() * shape.pixels()];
        int[] labels = contents.labelled() ? new int[images.size()] : null;
        for (int i = 0; i < images.size(); i++) {
            DecodedImages image = images.get(i);
            ImageFitter.fit(
                    image.pixels(),
                    0,
                    image.channels(),
                    image.height(),
                    image.width(),
                    shape,
                    spec.fit(),
                    pixels,
                    i * shape.pixels());
            if (labels != null) {
                labels[i] = image.labels()[0];
            }
        }
        return new InMemoryDataset(
                "png-folder@" + spec.path(),
                shape,
                pixels,
                labels,
                contents.classes().size());
    }

    private static InMemoryDataset fitAll(
            String name, DecodedImages decoded, ImageShape shape, Fit fit, int numClasses) {
        byte[] pixels;
        if (decoded.channels() == shape.channels()
                && decoded.height() == shape.height()
                && decoded.width() == shape.width()) {
            pixels = decoded.pixels();
        } else {
            pixels = new byte[decoded.count() * shape.pixels()];
            for (int i = 0; i < decoded.count(); i++) {
                ImageFitter.fit(
                        decoded.pixels(),
                        i * decoded.imageBytes(),
                        decoded.channels(),
                        decoded.height(),
                        decoded.width(),
                        shape,
                        fit,
                        pixels,
                        i * shape.pixels());
            }
        }
        return new InMemoryDataset(name, shape, pixels, decoded.labels(), numClasses);
    }

    private static String splitName(DatasetSpec spec) {
        return spec.split().name().toLowerCase(java.util.Locale.ROOT);
    }
}
