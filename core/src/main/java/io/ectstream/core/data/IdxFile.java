package io.ectstream.core.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Big-endian IDX files of unsigned bytes (the MNIST family's format), gzipped or not:
 * magic 0x00 0x00 0x08 ndim, then ndim uint32 sizes, then the bytes.
 */
final class IdxFile {
    static final int IMAGES_MAGIC = 0x803;
    static final int LABELS_MAGIC = 0x801;

    private IdxFile() {}

    /** Reads images (magic 0x803, shape [n, rows, cols]) as one-channel images. */
    static DecodedImages readImages(Path file) {
        Parsed idx = read(file, IMAGES_MAGIC);
        return new DecodedImages(idx.dims[0], 1, idx.dims[1], idx.dims[2], idx.payload, null);
    }

    /** Reads labels (magic 0x801, shape [n]). */
    static int[] readLabels(Path file) {
        Parsed idx = read(file, LABELS_MAGIC);
        int[] labels = new int[idx.dims[0]];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = idx.payload[i] & 0xFF;
        }
        return labels;
    }

    private record Parsed(int[] dims, byte[] payload) {}

    private static Parsed read(Path file, int expectedMagic) {
        byte[] bytes = decompressedBytes(file);
        if (bytes.length < 4) {
            throw new DatasetFormatException(file, "truncated IDX file: " + bytes.length + " bytes, no header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int magic = buffer.getInt();
        if (magic != expectedMagic) {
            throw new DatasetFormatException(
                    file,
                    String.format(
                            "wrong IDX magic 0x%08x, expected 0x%08x (%s)",
                            magic,
                            expectedMagic,
                            expectedMagic == IMAGES_MAGIC
                                    ? "uint8 images, 3 dimensions"
                                    : "uint8 labels, 1 dimension"));
        }
        int ndim = magic & 0xFF;
        if (bytes.length < 4 + 4 * ndim) {
            throw new DatasetFormatException(file, "truncated IDX header: " + bytes.length + " bytes");
        }
        int[] dims = new int[ndim];
        long expectedPayload = 1;
        for (int d = 0; d < ndim; d++) {
            dims[d] = buffer.getInt();
            if (dims[d] < 0) {
                throw new DatasetFormatException(file, "IDX dimension " + d + " is negative: " + dims[d]);
            }
            expectedPayload *= dims[d];
        }
        int headerBytes = 4 + 4 * ndim;
        long payloadBytes = bytes.length - headerBytes;
        if (payloadBytes != expectedPayload) {
            throw new DatasetFormatException(
                    file,
                    (payloadBytes < expectedPayload ? "truncated" : "oversized") + " IDX data: header promises "
                            + expectedPayload + " bytes, file has " + payloadBytes);
        }
        byte[] payload = new byte[(int) payloadBytes];
        buffer.get(payload);
        return new Parsed(dims, payload);
    }

    private static byte[] decompressedBytes(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(file, "file not found");
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        boolean gzip = raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b;
        if (!gzip) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "truncated gzip stream", e);
        } catch (ZipException e) {
            throw new DatasetFormatException(file, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot decompress: " + e.getMessage(), e);
        }
    }
}
