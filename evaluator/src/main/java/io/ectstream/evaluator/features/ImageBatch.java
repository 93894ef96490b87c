package io.ectstream.evaluator.features;

import io.ectstream.core.sampling.ImageShape;

/** {@code count} images of one shape as uint8 pixels in NCHW order. */
public record ImageBatch(ImageShape shape, int count, byte[] pixels) {
    public ImageBatch {
        if (count < 0 || (long) count * shape.pixels() != pixels.length) {
            throw new IllegalArgumentException(count + " images of " + shape + " need " + (long) count * shape.pixels()
                    + " bytes, got " + pixels.length);
        }
    }

    public static ImageBatch of(ImageShape shape, java.util.List<byte[]> images) {
        byte[] pixels = new byte[images.size() * shape.pixels()];
        for (int i = 0; i < images.size(); i++) {
            byte[] image = images.get(i);
            if (image.length != shape.pixels()) {
                throw new IllegalArgumentException(
                        "image " + i + " has " + image.length + " bytes, expected " + shape.pixels());
            }
            System.arraycopy(image, 0, pixels, i * shape.pixels(), image.length);
        }
        return new ImageBatch(shape, images.size(), pixels);
    }

    /** Images [from, to) as a batch of their own. */
    public ImageBatch slice(int from, int to) {
        int p = shape.pixels();
        byte[] part = java.util.Arrays.copyOfRange(pixels, from * p, to * p);
        return new ImageBatch(shape, to - from, part);
    }
}
