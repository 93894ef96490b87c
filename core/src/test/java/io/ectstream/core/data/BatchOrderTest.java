package io.ectstream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchOrderTest {

    @Test
    void eachEpochIsAPermutationFixedBySeedAndEpoch() {
        int[] a = BatchOrder.indices(42, 3, 1000);
        assertArrayEquals(a, BatchOrder.indices(42, 3, 1000));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(a, BatchOrder.indices(42, 4, 1000)), "epochs differ");
        assertFalse(Arrays.equals(a, BatchOrder.indices(43, 3, 1000)), "seeds differ");
        int fixedPoints = 0;
        for (int i = 0; i < a.length; i++) {
            fixedPoints += a[i] == i ? 1 : 0;
        }
        assertTrue(fixedPoints < 10, "a shuffle leaves ~1 element in place, not " + fixedPoints);
    }

    @Test
    void positionMapsToEpochAndOffset() {
        assertEquals(new BatchOrder.Position(0, 0), BatchOrder.position(0, 10));
        assertEquals(new BatchOrder.Position(0, 9), BatchOrder.position(9, 10));
        assertEquals(new BatchOrder.Position(1, 0), BatchOrder.position(10, 10));
        assertEquals(new BatchOrder.Position(123_456_789L, 7), BatchOrder.position(1_234_567_897L, 10));
    }

    @Test
    void batchesCrossEpochBoundariesAndAResumedRunSeesTheSameOrder() {
        int size = 10;
        long seed = 7;
        int[] stream = new int[40];
        for (int e = 0; e < 4; e++) {
            System.arraycopy(BatchOrder.indices(seed, e, size), 0, stream, e * size, size);
        }
        BatchOrder running = new BatchOrder(seed, size);
        for (int seen = 0; seen + 4 <= 40; seen += 4) {
            assertArrayEquals(Arrays.copyOfRange(stream, seen, seen + 4), running.batch(seen, 4), "at " + seen);
        }
        // a run killed after 12 images restarts with a new object and continues from position 12 with batch 6
        BatchOrder resumed = new BatchOrder(seed, size);
        assertArrayEquals(Arrays.copyOfRange(stream, 12, 18), resumed.batch(12, 6));
        assertArrayEquals(Arrays.copyOfRange(stream, 18, 33), resumed.batch(18, 15));
    }

    @Test
    void everyIndexIsEquallyLikelyAtEveryPlace() {
        int size = 5;
        int epochs = 20_000;
        int[][] counts = new int[size][size];
        for (int e = 0; e < epochs; e++) {
            int[] order = BatchOrder.indices(1, e, size);
            for (int place = 0; place < size; place++) {
                counts[place][order[place]]++;
            }
        }
        // expected 4000 each, standard deviation sqrt(20000 * 0.2 * 0.8) ~ 57: allow 5 sigma
        for (int[] row : counts) {
            for (int count : row) {
                assertTrue(Math.abs(count - epochs / size) < 285, Arrays.deepToString(counts));
            }
        }
    }
}
