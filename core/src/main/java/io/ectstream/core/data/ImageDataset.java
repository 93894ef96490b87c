package io.ectstream.core.data;

import io.ectstream.core.sampling.ImageShape;

/** Images in memory (training sets, reference sets), already padded or resized to the configured resolution. */
public interface ImageDataset {

    /** A name that says where the images came from (for logs and checkpoints). */
    String name();

    int size();

    ImageShape shape();

    /** The raw uint8 CHW pixels of image {@code index}. */
    byte[] image(int index);

    /** Writes image {@code index} scaled to [-1, 1] (pixel / 127.5 - 1), CHW, into {@code dst} at {@code offset}. */
    default void copyScaled(int index, float[] dst, int offset) {
        byte[] pixels = image(index);
        for (int i = 0; i < pixels.length; i++) {
            dst[offset + i] = (pixels[i] & 0xFF) / 127.5f - 1f;
        }
    }

    /** Whether the source format carries class labels (Fashion-MNIST, CIFAR-10, PNG class folders). */
    default boolean hasLabels() {
        return false;
    }

    /** The class label of image {@code index}, in [0, numClasses()); only when {@link #hasLabels()}. */
    default int label(int index) {
        throw new UnsupportedOperationException(name() + " has no labels");
    }

    /** Number of classes, 0 when the dataset has no labels. */
    default int numClasses() {
        return 0;
    }
}
