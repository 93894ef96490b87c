package io.ectstream.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientGuardAndEmaTest {

    @Test
    void nonFiniteGradientsAreReplacedAndCountedAndFiniteOnesKept() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray g = manager.create(
                    new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 2e6f, -3f, Float.NaN});
            GradientGuard.Guarded guarded = GradientGuard.guard(g);
            assertArrayEquals(
                    new float[] {0f, 1e5f, -1e5f, 2e6f, -3f, 0f},
                    guarded.gradient().toFloatArray());
            assertEquals(4L, guarded.replaced().getLong());
            assertEquals(
                    0L,
                    GradientGuard.guard(manager.create(new float[] {1f, -2f}))
                            .replaced()
                            .getLong());
        }
    }

    @Test
    void emaFollowsBetaWeightedAverageOfTheParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1f, -2f, 4f});
            FlatParameters params = new FlatParameters(List.of("p"), List.of(p));
            Ema ema = new Ema(manager, params);
            double beta = 0.9;
            double[] expected = {1, -2, 4};
            float[][] values = {{3f, 0f, 4f}, {-1f, 2f, 0f}, {5f, 5f, 5f}};
            for (float[] value : values) {
                p.set(new ai.djl.ndarray.index.NDIndex("..."), manager.create(value));
                try (NDManager step = manager.newSubManager()) {
                    ema.update(params, step, beta);
                }
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = beta * expected[i] + (1 - beta) * value[i];
                }
            }
            float[] got = ema.flat().toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], 1e-6);
            }
            // the parameters themselves are untouched by the EMA
            assertArrayEquals(new float[] {5f, 5f, 5f}, p.toFloatArray());
        }
    }

    @Test
    void halfLifeBetaHalvesTheWeightAfterHalfLifeImages() {
        // 500 kimg half-life at batch 512: after 500k / 512 steps the old average weighs 0.5
        double beta = Ema.halfLifeBeta(512, 500, null, 0);
        assertEquals(0.5, Math.pow(beta, 500_000.0 / 512), 1e-9);
        // with the ramp-up the half-life is 5% of the images seen while that is shorter
        assertEquals(Math.pow(0.5, 512 / (10_000 * 0.05)), Ema.halfLifeBeta(512, 500, 0.05, 10_000), 1e-12);
    }
}
