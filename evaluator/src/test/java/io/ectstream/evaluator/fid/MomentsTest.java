package io.ectstream.evaluator.fid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MomentsTest {

    @Test
    void meanAndUnbiasedCovarianceByHand() {
        Moments m = new Moments(2);
        m.add(new float[] {1, 2});
        m.add(new float[] {3, 6});
        m.add(new float[] {5, 7});
        // mean (3, 5); deviations (-2,-3), (0,1), (2,2): var x = 8/2, var y = 14/2, cov = 10/2
        assertArrayEquals(new double[] {3, 5}, m.mean(), 1e-15);
        var s = m.covariance();
        assertEquals(4.0, s.get(0, 0), 1e-14);
        assertEquals(7.0, s.get(1, 1), 1e-14);
        assertEquals(5.0, s.get(0, 1), 1e-14);
        assertEquals(5.0, s.get(1, 0), 1e-14);
    }

    @Test
    void momentsOfDisjointSetsAdd() {
        Moments all = new Moments(3);
        Moments a = new Moments(3);
        Moments b = new Moments(3);
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 20; i++) {
            float[] x = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
            all.add(x);
            (i < 7 ? a : b).add(x);
        }
        a.add(b);
        assertEquals(20, a.count());
        assertArrayEquals(all.sums(), a.sums(), 1e-12);
        assertArrayEquals(all.outerSums(), a.outerSums(), 1e-12);
    }

    @Test
    void refusesWrongDimensionsAndTooFewSamples() {
        Moments m = new Moments(2);
        assertThrows(IllegalArgumentException.class, () -> m.add(new float[] {1, 2, 3}));
        m.add(new float[] {1, 2});
        assertThrows(IllegalStateException.class, m::covariance);
    }
}
