package io.ectstream.core.sampling;

/**
 * The batch sizes a GPU generator runs in batched mode: a batch of n images is padded up to the next of a few sizes
 * (1, 2, 4, 8, 16, then multiples of 16). cuDNN's benchmark mode times its convolution algorithms once per input
 * shape; a service whose batches take every size from 1 to its maximum would pay that timing again and again
 * (measured on two H200s: two generators fed partial batches served half the images of one fed full batches).
 */
public final class BatchBuckets {
    private static final int STEP = 16;

    private BatchBuckets() {}

    /** The size a batch of {@code n} images runs at: the next power of two up to 16, above that the next multiple of 16. */
    public static int padded(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a batch holds at least one image, not " + n);
        }
        if (n <= STEP) {
            return Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
        }
        return (n + STEP - 1) / STEP * STEP;
    }

    /** Every size a batch of 1 to {@code maxImages} images runs at, smallest first. */
    public static java.util.List<Integer> sizesUpTo(int maxImages) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int n = 1; n <= padded(maxImages); n = padded(n + 1)) {
            sizes.add(n);
        }
        return sizes;
    }

    /** {@code seeds} padded to {@link #padded} with copies of its last seed (their images are dropped). */
    public static long[] pad(long[] seeds) {
        int size = padded(seeds.length);
        long[] padded = java.util.Arrays.copyOf(seeds, size);
        java.util.Arrays.fill(padded, seeds.length, size, seeds[seeds.length - 1]);
        return padded;
    }
}
