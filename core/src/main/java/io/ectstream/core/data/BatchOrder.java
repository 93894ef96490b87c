package io.ectstream.core.data;

/**
 * The seeded data order: epoch {@code e} visits the dataset in a permutation computed from
 * (seed, e) alone, so a resumed run that knows how many images it has consumed recomputes the
 * exact order it would have followed without the interruption. The generator is SplitMix64
 * (written out here, so the order does not depend on the JDK's Random implementations) and
 * the permutation a Fisher-Yates shuffle with unbiased bounded draws.
 */
public final class BatchOrder {
    private final long seed;
    private final int size;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    /** Where a position in the endless stream of images falls: which epoch, and how far into it. */
    public record Position(long epoch, int offset) {}

    public BatchOrder(long seed, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("dataset size must be positive, not " + size);
        }
        this.seed = seed;
        this.size = size;
    }

    /** The permutation of 0..size-1 that epoch {@code epoch} follows. */
    public static int[] indices(long seed, long epoch, int size) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplitMix64 random = new SplitMix64(mix64(seed) ^ mix64(epoch + 0x632BE59BD9B4E019L));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** The epoch and offset of the image at {@code position} (= images consumed before it). */
    public static Position position(long position, int size) {
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative: " + position);
        }
        return new Position(position / size, (int) (position % size));
    }

    /**
     * The dataset indices of the {@code batchSize} images starting at stream position
     * {@code imagesSeen}; a batch that runs past the end of an epoch continues in the next one.
     */
    public int[] batch(long imagesSeen, int batchSize) {
        int[] batch = new int[batchSize];
        Position at = position(imagesSeen, size);
        long epoch = at.epoch();
        int offset = at.offset();
        for (int i = 0; i < batchSize; i++) {
            batch[i] = epochOrder(epoch)[offset];
            if (++offset == size) {
                offset = 0;
                epoch++;
            }
        }
        return batch;
    }

    public int size() {
        return size;
    }

    private int[] epochOrder(long epoch) {
        if (epoch != cachedEpoch) {
            cachedOrder = indices(seed, epoch, size);
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            state += 0x9E3779B97F4A7C15L;
            return mix64(state);
        }

        /** Uniform in [0, bound): rejects draws from the last incomplete block of 31-bit values. */
        int nextInt(int bound) {
            while (true) {
                int r = (int) (nextLong() >>> 33);
                int value = r % bound;
                if (r - value + (bound - 1) >= 0) {
                    return value;
                }
            }
        }
    }
}
