package io.ectstream.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BatchBucketsTest {
    @Test
    void smallBatchesGoToPowersOfTwoLargerOnesToMultiplesOfSixteen() {
        int[][] expected = {
            {1, 1},
            {2, 2},
            {3, 4},
            {5, 8},
            {8, 8},
            {9, 16},
            {16, 16},
            {17, 32},
            {33, 48},
            {127, 128},
            {128, 128},
            {129, 144},
            {1000, 1008},
            {1024, 1024}
        };
        for (int[] pair : expected) {
            assertEquals(pair[1], BatchBuckets.padded(pair[0]), "batch of " + pair[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> BatchBuckets.padded(0));
    }

    @Test
    void aServiceBatchingUpTo128SeesTwelveShapesNot128() {
        TreeSet<Integer> shapes = new TreeSet<>();
        for (int n = 1; n <= 128; n++) {
            shapes.add(BatchBuckets.padded(n));
        }
        assertEquals(12, shapes.size(), shapes.toString());
    }

    @Test
    void theSizesUpToAMaxBatchAreEveryPaddedSizeOnce() {
        TreeSet<Integer> shapes = new TreeSet<>();
        for (int n = 1; n <= 128; n++) {
            shapes.add(BatchBuckets.padded(n));
        }
        assertEquals(List.copyOf(shapes), BatchBuckets.sizesUpTo(128));
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 48), BatchBuckets.sizesUpTo(40));
        assertEquals(List.of(1), BatchBuckets.sizesUpTo(1));
    }

    @Test
    void paddingRepeatsTheLastSeed() {
        assertArrayEquals(new long[] {7, 9, 4, 4, 4, 4, 4, 4}, BatchBuckets.pad(new long[] {7, 9, 4, 4, 4}));
        assertArrayEquals(new long[] {3}, BatchBuckets.pad(new long[] {3}));
    }
}
