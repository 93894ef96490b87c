package io.ectstream.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptFilesTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        buffer.putInt(magic);
        for (int d : dims) {
            buffer.putInt(d);
        }
        buffer.put(payload);
        return buffer.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private void write(String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }

    private DatasetFormatException openFails() {
        DatasetSpec spec = new DatasetSpec(DatasetKind.FASHION_MNIST, dir, Split.TRAIN, 4, 1, Fit.PAD);
        return assertThrows(DatasetFormatException.class, () -> Datasets.open(spec));
    }

    private void writeLabels(int count) throws IOException {
        write("train-labels-idx1-ubyte.gz", gzip(idx(0x801, new int[] {count}, new byte[count])));
    }

    @Test
    void readsAValidTinyIdxPairGzippedOrNot() throws IOException {
        byte[] pixels = new byte[2 * 3 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 10);
        }
        write("train-images-idx3-ubyte.gz", idx(0x803, new int[] {2, 3, 3}, pixels));
        write("train-labels-idx1-ubyte.gz", gzip(idx(0x801, new int[] {2}, new byte[] {7, 3})));
        ImageDataset dataset =
                Datasets.open(new DatasetSpec(DatasetKind.FASHION_MNIST, dir, Split.TRAIN, 3, 1, Fit.PAD));
        assertEquals(2, dataset.size());
        assertEquals(3, dataset.label(1));
        assertEquals((byte) 90, dataset.image(1)[0]);
    }

    @Test
    void wrongMagicIsNamed() throws IOException {
        writeLabels(2);
        write("train-images-idx3-ubyte.gz", gzip(idx(0x801, new int[] {2}, new byte[2])));
        DatasetFormatException e = openFails();
        assertTrue(e.getMessage().contains("wrong IDX magic 0x00000801, expected 0x00000803"), e.getMessage());
        assertTrue(e.file().endsWith("train-images-idx3-ubyte.gz"));
    }

    @Test
    void truncatedPayloadIsNamed() throws IOException {
        writeLabels(2);
        write("train-images-idx3-ubyte.gz", gzip(idx(0x803, new int[] {2, 4, 4}, new byte[20])));
        DatasetFormatException e = openFails();
        assertTrue(
                e.getMessage().contains("truncated IDX data: header promises 32 bytes, file has 20"), e.getMessage());
    }

    @Test
    void truncatedGzipStreamIsNamed() throws IOException {
        writeLabels(50);
        byte[] whole = gzip(idx(0x803, new int[] {50, 4, 4}, new byte[800]));
        write("train-images-idx3-ubyte.gz", Arrays.copyOf(whole, whole.length / 2));
        assertTrue(openFails().getMessage().contains("gzip"));
    }

    @Test
    void corruptGzipStreamIsNamed() throws IOException {
        writeLabels(2);
        byte[] whole = gzip(idx(0x803, new int[] {2, 4, 4}, new byte[32]));
        for (int i = 10; i < whole.length - 8; i++) {
            whole[i] ^= (byte) 0x5A;
        }
        write("train-images-idx3-ubyte.gz", whole);
        assertTrue(openFails().getMessage().contains("gzip"));
    }

    @Test
    void labelCountMismatchIsNamed() throws IOException {
        writeLabels(3);
        write("train-images-idx3-ubyte.gz", gzip(idx(0x803, new int[] {2, 4, 4}, new byte[32])));
        assertTrue(openFails().getMessage().contains("3 labels for 2 images"));
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeLabels(2);
        DatasetFormatException e = openFails();
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
    }
}
