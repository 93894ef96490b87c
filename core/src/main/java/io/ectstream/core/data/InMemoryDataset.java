package io.ectstream.core.data;

import io.ectstream.core.sampling.ImageShape;
import java.util.Arrays;

/** A dataset held as one uint8 CHW array of fitted images, with optional labels. */
public final class InMemoryDataset implements ImageDataset {
    private final String name;
    private final ImageShape shape;
    private final int size;
    private final byte[] pixels;
    private final int[] labels;
    private final int numClasses;

    /**
     * @param pixels the images back to back, {@code size * shape.pixels()} bytes (not copied)
     * @param labels one per image, or null
     */
    public InMemoryDataset(String name, ImageShape shape, byte[] pixels, int[] labels) {
        this(
                name,
                shape,
                pixels,
                labels,
                labels == null || labels.length == 0
                        ? 0
                        : Arrays.stream(labels).max().getAsInt() + 1);
    }

    /** As above with the number of classes given (a subset may lack some classes of its format). */
    public InMemoryDataset(String name, ImageShape shape, byte[] pixels, int[] labels, int numClasses) {
        if (pixels.length % shape.pixels() != 0) {
            throw new IllegalArgumentException(pixels.length + " bytes is not a whole number of " + shape + " images");
        }
        this.name = name;
        this.shape = shape;
        this.size = pixels.length / shape.pixels();
        this.pixels = pixels;
        if (labels != null && labels.length != size) {
            throw new IllegalArgumentException(labels.length + " labels for " + size + " images");
        }
        this.labels = labels;
        this.numClasses = labels == null ? 0 : numClasses;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ImageShape shape() {
        return shape;
    }

    @Override
    public byte[] image(int index) {
        int n = shape.pixels();
        return Arrays.copyOfRange(pixels, checked(index) * n, (index + 1) * n);
    }

    @Override
    public void copyScaled(int index, float[] dst, int offset) {
        int n = shape.pixels();
        int start = checked(index) * n;
        for (int i = 0; i < n; i++) {
            dst[offset + i] = (pixels[start + i] & 0xFF) / 127.5f - 1f;
        }
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }

    @Override
    public int label(int index) {
        if (labels == null) {
            return ImageDataset.super.label(index);
        }
        return labels[checked(index)];
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    private int checked(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("image " + index + " of " + size + " in " + name);
        }
        return index;
    }

    @Override
    public String toString() {
        return name + " (" + size + " x " + shape + (labels != null ? ", " + numClasses + " classes" : "") + ")";
    }
}
