package io.ectstream.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * CIFAR-10's binary version (folder {@code cifar-10-batches-bin}): data_batch_1..5.bin for training,
 * test_batch.bin for testing; each record is 1 label byte (0..9) then 3072 pixel bytes,
 * 1024 red, 1024 green, 1024 blue, each 32x32 row-major (CHW).
 */
final class Cifar10Batches {
    static final int SIDE = 32;
    static final int IMAGE_BYTES = 3 * SIDE * SIDE;
    static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    private Cifar10Batches() {}

    static List<Path> files(Path folder, Split split) {
        if (split == Split.TEST) {
            return List.of(folder.resolve("test_batch.bin"));
        }
        return List.of(1, 2, 3, 4, 5).stream()
                .map(i -> folder.resolve("data_batch_" + i + ".bin"))
                .toList();
    }

    static DecodedImages read(Path folder, Split split) {
        List<Path> files = files(folder, split);
        long total = 0;
        for (Path file : files) {
            total += recordCount(file);
        }
        int count = Math.toIntExact(total);
        byte[] pixels = new byte[count * IMAGE_BYTES];
        int[] labels = new int[count];
        int next = 0;
        for (Path file : files) {
            byte[] bytes = readAll(file);
            int records = bytes.length / RECORD_BYTES;
            for (int r = 0; r < records; r++, next++) {
                int label = bytes[r * RECORD_BYTES] & 0xFF;
                if (label > 9) {
                    throw new DatasetFormatException(file, "record " + r + " has label " + label + ", not in 0..9");
                }
                labels[next] = label;
                System.arraycopy(bytes, r * RECORD_BYTES + 1, pixels, next * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new DecodedImages(count, 3, SIDE, SIDE, pixels, labels);
    }

    private static long recordCount(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(file, "file not found (expected CIFAR-10 binary batches)");
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        if (size == 0 || size % RECORD_BYTES != 0) {
            throw new DatasetFormatException(
                    file,
                    "truncated or not a CIFAR-10 binary batch: " + size + " bytes is not a positive multiple of the "
                            + RECORD_BYTES + "-byte record");
        }
        return size / RECORD_BYTES;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot read: " + e.getMessage(), e);
        }
    }
}
