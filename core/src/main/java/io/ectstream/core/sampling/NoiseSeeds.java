package io.ectstream.core.sampling;

/** Per-image seeds derived from a request seed, so that image i of a request always gets the same noise. */
public final class NoiseSeeds {
    private NoiseSeeds() {}

    public static long forImage(long requestSeed, int imageIndex) {
        return splitMix64(requestSeed ^ splitMix64(0x9E3779B97F4A7C15L + imageIndex));
    }

    public static long[] forImages(long requestSeed, int firstIndex, int count) {
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = forImage(requestSeed, firstIndex + i);
        }
        return seeds;
    }

    static long splitMix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
