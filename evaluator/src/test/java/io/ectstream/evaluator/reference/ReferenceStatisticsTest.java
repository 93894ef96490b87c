package io.ectstream.evaluator.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ectstream.evaluator.fid.Moments;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceStatisticsTest {

    static ReferenceStatistics sample(int d, long seed) {
        Random random = new Random(seed);
        Moments m = new Moments(d);
        for (int i = 0; i < 50; i++) {
            float[] x = new float[d];
            for (int k = 0; k < d; k++) {
                x[k] = (float) random.nextGaussian();
            }
            m.add(x);
        }
        return ReferenceStatistics.of("test-extractor:1234", "unit test", m);
    }

    @Test
    void fileRoundTripKeepsValuesAndId(@TempDir Path dir) throws Exception {
        ReferenceStatistics stats = sample(7, 1);
        Path file = dir.resolve("ref.ectref");
        stats.write(file);
        ReferenceStatistics back = ReferenceStatistics.read(file);
        assertEquals(stats.id(), back.id());
        assertEquals("test-extractor:1234", back.extractorId());
        assertEquals(50, back.statistics().count());
        assertArrayEquals(stats.statistics().mean(), back.statistics().mean(), 0);
        assertArrayEquals(
                stats.statistics().covariance().data, back.statistics().covariance().data, 0);
        assertNotEquals(stats.id(), sample(7, 2).id());
        byte[] truncated = java.util.Arrays.copyOf(stats.toBytes(), 100);
        assertThrows(IllegalArgumentException.class, () -> ReferenceStatistics.fromBytes(truncated));
    }
}
