package io.ectstream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.ImageShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 binary batches made by the test: batch b, record r has label (b + r) % 10 and pixel i = (31 b + 7 r + i) % 256. */
class Cifar10BatchesTest {
    @TempDir
    Path dir;

    private static int pixel(int batch, int record, int i) {
        return (31 * batch + 7 * record + i) % 256;
    }

    private void writeBatch(String name, int batch, int records) throws IOException {
        byte[] bytes = new byte[records * 3073];
        for (int r = 0; r < records; r++) {
            bytes[r * 3073] = (byte) ((batch + r) % 10);
            for (int i = 0; i < 3072; i++) {
                bytes[r * 3073 + 1 + i] = (byte) pixel(batch, r, i);
            }
        }
        Files.write(dir.resolve(name), bytes);
    }

    @BeforeEach
    void writeBatches() throws IOException {
        for (int b = 1; b <= 5; b++) {
            writeBatch("data_batch_" + b + ".bin", b, 3);
        }
        writeBatch("test_batch.bin", 0, 2);
    }

    private ImageDataset open(Split split, int resolution, int channels) {
        return Datasets.open(new DatasetSpec(DatasetKind.CIFAR10, dir, split, resolution, channels, Fit.PAD));
    }

    @Test
    void readsAllTrainingBatchesInOrderWithLabels() {
        ImageDataset train = open(Split.TRAIN, 32, 3);
        assertEquals(15, train.size());
        assertEquals(new ImageShape(3, 32, 32), train.shape());
        assertEquals(10, train.numClasses());
        // image 7 is batch 3, record 1
        assertEquals((3 + 1) % 10, train.label(7));
        byte[] image = train.image(7);
        for (int i = 0; i < 3072; i++) {
            assertEquals(pixel(3, 1, i), image[i] & 0xFF);
        }
        ImageDataset test = open(Split.TEST, 32, 3);
        assertEquals(2, test.size());
        assertEquals(1, test.label(1));
    }

    @Test
    void convertsToGrayWithBt601LumaAndPadsOrCrops() {
        ImageDataset gray = open(Split.TEST, 32, 1);
        // test batch (b = 0), record 0, pixel (y=0, x=5): R = 5, G = 1029 % 256 = 5, B = 2053 % 256 = 5
        assertEquals(5, gray.image(0)[5] & 0xFF);
        // record 1, pixel 200: R = 207, G = (7 + 1224) % 256 = 207, B = (7 + 2248) % 256 = 207 -> 207
        assertEquals(207, gray.image(1)[200] & 0xFF);
        // pixel 250 of record 1: R = 1, G = 1, B = 1 (wrapped)
        assertEquals(1, gray.image(1)[250] & 0xFF);

        ImageDataset cropped = open(Split.TEST, 28, 3);
        // centre crop drops 2 rows and 2 columns on each side: (0,0) of the crop is (2,2) of the original
        assertEquals(pixel(0, 0, 2 * 32 + 2), cropped.image(0)[0] & 0xFF);
        assertEquals(pixel(0, 0, 1024 + 2 * 32 + 2), cropped.image(0)[28 * 28] & 0xFF);
    }

    @Test
    void lumaOfAMixedColourPixel() throws IOException {
        byte[] record = new byte[3073];
        record[0] = 4;
        record[1] = (byte) 200; // R at (0,0)
        record[1 + 1024] = (byte) 100; // G
        record[1 + 2048] = (byte) 50; // B
        Files.write(dir.resolve("test_batch.bin"), record);
        ImageDataset gray = open(Split.TEST, 32, 1);
        // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 59.8 + 58.7 + 5.7 = 124.2 -> 124
        assertEquals(124, gray.image(0)[0] & 0xFF);
        assertArrayEquals(new byte[] {0, 0}, new byte[] {gray.image(0)[1], gray.image(0)[1023]});
    }

    @Test
    void truncatedBatchIsNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve("data_batch_4.bin"));
        Files.write(dir.resolve("data_batch_4.bin"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> open(Split.TRAIN, 32, 3));
        assertTrue(e.file().endsWith("data_batch_4.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void badLabelAndMissingBatchAreNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve("test_batch.bin"));
        bytes[3073] = 42;
        Files.write(dir.resolve("test_batch.bin"), bytes);
        DatasetFormatException bad = assertThrows(DatasetFormatException.class, () -> open(Split.TEST, 32, 3));
        assertTrue(bad.getMessage().contains("label 42"), bad.getMessage());

        Files.delete(dir.resolve("data_batch_2.bin"));
        DatasetFormatException missing = assertThrows(DatasetFormatException.class, () -> open(Split.TRAIN, 32, 3));
        assertTrue(missing.getMessage().contains("data_batch_2.bin: file not found"), missing.getMessage());
    }
}
