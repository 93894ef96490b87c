package io.ectstream.fidtools.io;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.io.InMemoryImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Image files of a folder (PNG, or anything ImageIO reads), sorted by name, as uint8 CHW and as they
 * are (no padding or resizing: FID compares images as generated). Grayscale files give 1 channel,
 * colour files 3; all images must share one shape.
 */
public final class ImageFolder {
    private ImageFolder() {}

    public static InMemoryImages read(Path folder) throws IOException {
        return readFiles(folder.toString(), imageFiles(folder));
    }

    private static List<Path> imageFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is not a folder");
        }
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> files = entries.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpg|jpeg|bmp|gif)"))
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException(folder + " holds no image files");
            }
            return files;
        }
    }

    private static InMemoryImages readFiles(String name, List<Path> files) throws IOException {
        ImageShape shape = null;
        List<byte[]> images = new ArrayList<>(files.size());
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException(file + " is not a readable image");
            }
            int channels = image.getRaster().getNumBands() == 1 ? 1 : 3;
            ImageShape s = new ImageShape(channels, image.getHeight(), image.getWidth());
            if (shape == null) {
                shape = s;
            } else if (!shape.equals(s)) {
                throw new IllegalArgumentException(file + " is " + s + ", earlier images are " + shape);
            }
            images.add(ImageCodec.fromPng(bytes, channels));
        }
        return new InMemoryImages(name, shape, images);
    }
}
