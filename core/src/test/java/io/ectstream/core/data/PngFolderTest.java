package io.ectstream.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngFolderTest {
    @TempDir
    Path dir;

    private static byte[] solid(ImageShape shape, int... channelValues) {
        byte[] chw = new byte[shape.pixels()];
        int plane = shape.height() * shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            java.util.Arrays.fill(chw, c * plane, (c + 1) * plane, (byte) channelValues[c]);
        }
        return chw;
    }

    private void png(Path file, ImageShape shape, int... channelValues) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, ImageCodec.toPng(solid(shape, channelValues), shape));
    }

    private ImageDataset open(Path root, int resolution, int channels, Fit fit) {
        return Datasets.open(new DatasetSpec(DatasetKind.PNG_FOLDER, root, Split.TRAIN, resolution, channels, fit));
    }

    @Test
    void classFoldersGiveLabelsInSortedOrder() throws IOException {
        png(dir.resolve("shirt/b.png"), new ImageShape(3, 4, 4), 10, 20, 30);
        png(dir.resolve("bag/a.png"), new ImageShape(1, 4, 4), 99);
        png(dir.resolve("shirt/a.png"), new ImageShape(3, 6, 6), 200, 100, 50);
        ImageDataset dataset = open(dir, 4, 3, Fit.PAD);
        assertEquals(3, dataset.size());
        assertTrue(dataset.hasLabels());
        assertEquals(2, dataset.numClasses());
        // sorted paths: bag/a, shirt/a, shirt/b; classes: bag = 0, shirt = 1
        assertEquals(0, dataset.label(0));
        assertEquals(1, dataset.label(1));
        assertEquals(1, dataset.label(2));
        assertEquals(99, dataset.image(0)[16 * 2] & 0xFF, "gray repeated into blue");
        assertEquals(100, dataset.image(1)[16] & 0xFF, "6x6 centre-cropped to 4x4, green plane");
        assertEquals(30, dataset.image(2)[32] & 0xFF);
    }

    @Test
    void flatFolderIsUnlabelledAndResizedOrPadded() throws IOException {
        png(dir.resolve("x.png"), new ImageShape(3, 8, 8), 200, 100, 50);
        ImageDataset resized = open(dir, 4, 1, Fit.RESIZE);
        assertFalse(resized.hasLabels());
        assertEquals(0, resized.numClasses());
        // a solid image stays solid under bilinear resizing: luma 0.299*200 + 0.587*100 + 0.114*50 = 124.2
        for (byte b : resized.image(0)) {
            assertEquals(124, b & 0xFF);
        }
        ImageDataset padded = open(dir, 10, 3, Fit.PAD);
        assertEquals(0, padded.image(0)[0]);
        assertEquals(200, padded.image(0)[10 + 1] & 0xFF);
    }

    @Test
    void corruptOrMissingImagesAreNamed() throws IOException {
        DatasetFormatException empty = assertThrows(DatasetFormatException.class, () -> open(dir, 4, 1, Fit.PAD));
        assertTrue(empty.getMessage().contains("no .png files"), empty.getMessage());

        png(dir.resolve("good.png"), new ImageShape(1, 4, 4), 1);
        Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        DatasetFormatException corrupt = assertThrows(DatasetFormatException.class, () -> open(dir, 4, 1, Fit.PAD));
        assertTrue(corrupt.file().endsWith("broken.png"), corrupt.getMessage());

        assertThrows(DatasetFormatException.class, () -> open(dir.resolve("absent"), 4, 1, Fit.PAD));
    }
}
