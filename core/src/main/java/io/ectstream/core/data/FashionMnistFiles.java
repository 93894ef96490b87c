package io.ectstream.core.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Fashion-MNIST (and MNIST) as distributed: four gzipped IDX files in one folder. */
final class FashionMnistFiles {
    private FashionMnistFiles() {}

    static Path imagesFile(Path folder, Split split) {
        return folder.resolve(prefix(split) + "-images-idx3-ubyte.gz");
    }

    static Path labelsFile(Path folder, Split split) {
        return folder.resolve(prefix(split) + "-labels-idx1-ubyte.gz");
    }

    /** Whether both files of {@code split} are present in {@code folder}. */
    static boolean present(Path folder, Split split) {
        return Files.isRegularFile(imagesFile(folder, split)) && Files.isRegularFile(labelsFile(folder, split));
    }

    static DecodedImages read(Path folder, Split split) {
        Path imagesFile = imagesFile(folder, split);
        DecodedImages images = IdxFile.readImages(imagesFile);
        int[] labels = IdxFile.readLabels(labelsFile(folder, split));
        if (labels.length != images.count()) {
            throw new DatasetFormatException(
                    labelsFile(folder, split),
                    labels.length + " labels for " + images.count() + " images in " + imagesFile.getFileName());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 9) {
                throw new DatasetFormatException(
                        labelsFile(folder, split), "label " + labels[i] + " at " + i + " is not in 0..9");
            }
        }
        return new DecodedImages(images.count(), 1, images.height(), images.width(), images.pixels(), labels);
    }

    private static String prefix(Split split) {
        return split == Split.TRAIN ? "train" : "t10k";
    }
}
