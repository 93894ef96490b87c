package io.ectstream.evaluator.io;

import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.sampling.ImageShape;
import java.util.List;

/** Images already in memory (uint8 CHW, one shape) as an {@link ImageDataset}. */
public record InMemoryImages(String name, ImageShape shape, List<byte[]> images) implements ImageDataset {
    public InMemoryImages {
        for (byte[] image : images) {
            if (image.length != shape.pixels()) {
                throw new IllegalArgumentException(name + ": an image has " + image.length + " bytes, expected "
                        + shape.pixels() + " for " + shape);
            }
        }
        images = List.copyOf(images);
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public byte[] image(int index) {
        return images.get(index);
    }
}
