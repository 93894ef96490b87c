package io.ectstream.core.image;

import io.ectstream.core.sampling.ImageShape;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sample grid as people look at it (the demo's run folder, {@code generate --grid}, the README): 8 columns, pixels
 * doubled (nearest neighbour), under a caption strip drawn with Java2D that says what made the samples.
 */
public final class CaptionedGrid {
    /** A machine without fonts would otherwise log the same warning for every grid. */
    private static final AtomicBoolean FONTS_MISSING_REPORTED = new AtomicBoolean();

    private static final Logger log = LoggerFactory.getLogger(CaptionedGrid.class);
    public static final int COLUMNS = 8;
    public static final int SCALE = 2;
    public static final int CAPTION_HEIGHT = 18;

    private CaptionedGrid() {}

    /** Images (uint8 CHW, all of {@code shape}) tiled, scaled and captioned, as PNG bytes. */
    public static byte[] png(byte[][] images, ImageShape shape, String caption) {
        try {
            return captioned(ImageCodec.gridPng(images, shape, COLUMNS), caption);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw a sample grid", e); // in memory only: not expected
        }
    }

    /** The grid PNG scaled and captioned; without the caption (one warning) where this JVM cannot draw text. */
    static byte[] captioned(byte[] gridPng, String caption) throws IOException {
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(gridPng));
        int width = grid.getWidth() * SCALE;
        int height = grid.getHeight() * SCALE;
        BufferedImage out = new BufferedImage(width, height + CAPTION_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, CAPTION_HEIGHT);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(grid, 0, CAPTION_HEIGHT, width, height, null);
            try {
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.drawString(caption, 4, CAPTION_HEIGHT - 5);
            } catch (RuntimeException | LinkageError noFonts) {
                if (FONTS_MISSING_REPORTED.compareAndSet(false, true)) {
                    log.warn(
                            "sample grid captions not drawn ({}): this Java has no usable fonts; the file names say what each grid"
                                    + " is",
                            noFonts.toString());
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(out, "png", png);
        return png.toByteArray();
    }
}
