package io.ectstream.core.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of PNG files, read in sorted path order. When every PNG sits in a direct subfolder
 * ({@code root/<class>/x.png}) the subfolders are the classes, labelled by sorted name; PNGs directly
 * in the root give an unlabelled dataset. 8-bit gray PNGs are read as one channel, all others as RGB.
 */
final class PngFolder {
    private PngFolder() {}

    /** The decoded images, each its own {@link DecodedImages} of count 1 (sizes may differ). */
    record Contents(List<DecodedImages> images, List<String> classes) {
        boolean labelled() {
            return !classes.isEmpty();
        }
    }

    static Contents read(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "not a folder of PNG images");
        }
        List<Path> files = pngFiles(root);
        if (files.isEmpty()) {
            throw new DatasetFormatException(root, "no .png files in the folder");
        }
        boolean classFolders =
                files.stream().allMatch(file -> root.equals(file.getParent().getParent()));
        List<String> classes = classFolders
                ? files.stream()
                        .map(file -> file.getParent().getFileName().toString())
                        .distinct()
                        .sorted()
                        .toList()
                : List.of();
        List<DecodedImages> images = new ArrayList<>(files.size());
        for (Path file : files) {
            int[] label = classFolders
                    ? new int[] {classes.indexOf(file.getParent().getFileName().toString())}
                    : null;
            images.add(decode(file, label));
        }
        return new Contents(images, classes);
    }

    private static List<Path> pngFiles(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> path.getFileName()
                            .toString()
                            .toLowerCase(Locale.ROOT)
                            .endsWith(".png"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DatasetFormatException(root, "cannot list the folder: " + e.getMessage(), e);
        }
    }

    private static DecodedImages decode(Path file, int[] label) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DatasetFormatException(file, "corrupt or unreadable PNG: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new DatasetFormatException(file, "not a PNG image");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] gray = new byte[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    gray[y * w + x] = (byte) image.getRaster().getSample(x, y, 0);
                }
            }
            return new DecodedImages(1, 1, h, w, gray, label);
        }
        byte[] rgb = new byte[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                rgb[y * w + x] = (byte) (argb >> 16);
                rgb[(h + y) * w + x] = (byte) (argb >> 8);
                rgb[(2 * h + y) * w + x] = (byte) argb;
            }
        }
        return new DecodedImages(1, 3, h, w, rgb, label);
    }
}
