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
}
