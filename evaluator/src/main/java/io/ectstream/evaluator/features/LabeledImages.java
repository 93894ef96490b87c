package io.ectstream.evaluator.features;

import io.ectstream.core.data.ImageDataset;

/** A dataset with one class label per image, labels in [0, classes). */
public record LabeledImages(ImageDataset images, int[] labels, int classes) {
    public LabeledImages {
        if (labels.length != images.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
            }
        }
    }

    /** The dataset's own labels; it must have them (the feature net is a classifier). */
    public static LabeledImages of(ImageDataset images) {
        if (!images.hasLabels()) {
            throw new IllegalArgumentException(images.name() + " has no class labels: the feature net is a classifier"
                    + " (a png-folder needs one subfolder per class)");
        }
        int[] labels = new int[images.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = images.label(i);
        }
        return new LabeledImages(images, labels, images.numClasses());
    }
}
