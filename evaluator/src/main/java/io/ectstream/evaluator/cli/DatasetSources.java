package io.ectstream.evaluator.cli;

import io.ectstream.core.data.ImageDataset;
import io.ectstream.evaluator.features.LabeledImages;
import io.ectstream.evaluator.io.ImageFolder;
import java.io.IOException;
import java.nio.file.Path;

/** Datasets named on the command line. */
final class DatasetSources {
    static final String HELP = "folder:DIR (image files)";
    static final String LABELED_HELP = "folder:DIR (one subfolder of images per class)";

    private DatasetSources() {
    }

    static ImageDataset images(String spec) throws IOException {
        String[] kindAndPath = split(spec);
        return switch (kindAndPath[0]) {
            case "folder" -> ImageFolder.read(Path.of(kindAndPath[1]));
            default -> throw new IllegalArgumentException("unknown dataset '" + spec + "': " + HELP);
        };
    }

    static LabeledImages labeled(String spec) throws IOException {
        String[] kindAndPath = split(spec);
        return switch (kindAndPath[0]) {
            case "folder" -> ImageFolder.labeled(Path.of(kindAndPath[1]));
            default -> throw new IllegalArgumentException("unknown dataset '" + spec + "': " + LABELED_HELP);
        };
    }

    private static String[] split(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return new String[] {"folder", spec};
        }
        return new String[] {spec.substring(0, colon), spec.substring(colon + 1)};
    }
}
