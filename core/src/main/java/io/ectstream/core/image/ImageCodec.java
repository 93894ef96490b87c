package io.ectstream.core.image;

import io.ectstream.core.sampling.ImageShape;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** uint8 CHW pixels to and from PNG (grayscale for 1 channel, RGB for 3). */
public final class ImageCodec {
    private ImageCodec() {}

    public static byte[] toPng(byte[] chw, ImageShape shape) {
        BufferedImage image = toImage(chw, shape);
        ByteArrayOutputStream out = new ByteArrayOutputStream(shape.pixels() + 256);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    public static BufferedImage toImage(byte[] chw, ImageShape shape) {
        if (chw.length != shape.pixels()) {
            throw new IllegalArgumentException(
                    "expected " + shape.pixels() + " bytes for " + shape + ", got " + chw.length);
        }
        int c = shape.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("PNG output supports 1 or 3 channels, not " + c);
        }
        int h = shape.height();
        int w = shape.width();
        BufferedImage image =
                new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = image.getRaster();
        int[] pixel = new int[c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    pixel[k] = chw[(k * h + y) * w + x] & 0xFF;
                }
                raster.setPixel(x, y, pixel);
            }
        }
        return image;
    }

    /** Decodes a PNG into uint8 CHW with the given number of channels (gray or RGB). */
    public static byte[] fromPng(byte[] png, int channels) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a readable PNG: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IllegalArgumentException("not a PNG image (" + png.length + " bytes)");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        byte[] chw = new byte[channels * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (channels == 1) {
                    chw[y * w + x] = (byte)
                            (image.getRaster().getNumBands() == 1
                                    ? image.getRaster().getSample(x, y, 0)
                                    : r);
                } else {
                    chw[y * w + x] = (byte) r;
                    chw[(h + y) * w + x] = (byte) g;
                    chw[(2 * h + y) * w + x] = (byte) b;
                }
            }
        }
        return chw;
    }

    /** Tiles images (uint8 CHW, all of one shape) into one grid image, row by row. */
    public static byte[] gridPng(byte[][] images, ImageShape shape, int columns) {
        int n = images.length;
        int cols = Math.max(1, Math.min(columns, n));
        int rows = (n + cols - 1) / cols;
        ImageShape gridShape = new ImageShape(shape.channels(), rows * shape.height(), cols * shape.width());
        byte[] grid = new byte[gridShape.pixels()];
        for (int i = 0; i < n; i++) {
            int top = (i / cols) * shape.height();
            int left = (i % cols) * shape.width();
            for (int k = 0; k < shape.channels(); k++) {
                for (int y = 0; y < shape.height(); y++) {
                    System.arraycopy(
                            images[i],
                            (k * shape.height() + y) * shape.width(),
                            grid,
                            (k * gridShape.height() + top + y) * gridShape.width() + left,
                            shape.width());
                }
            }
        }
        return toPng(grid, gridShape);
    }
}
