package io.ectstream.trainer.ect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class EctLossTest {
    private static final EctSchedule SCHEDULE = EctSchedule.reference();

    /** D(x, s) = w x for a scalar weight w: the loss and its gradient can be written by hand. */
    @Test
    void theTargetCarriesNoGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float w0 = 0.7f;
            NDArray w = manager.create(new float[] {w0});
            w.setRequiresGradient(true);
            DenoiserPass pass = (x, sigma) -> x.mul(w);
            float[] xs = {0.5f, -0.25f, 1f, 0.1f};
            float[] es = {0.3f, 1.2f, -0.7f, 0.9f};
            float[] ts = {2f, 3f};
            EctLoss loss = new EctLoss(SCHEDULE, 0.0);
            NDArray x = manager.create(xs).reshape(2, 1, 1, 2);
            NDArray e = manager.create(es).reshape(2, 1, 1, 2);
            NDArray t = manager.create(ts).reshape(2, 1, 1, 1);
            NDArray r = SCHEDULE.r(t, 0);
            EctLoss.Draw draw = new EctLoss.Draw(x, t, r, e);
            float gradient;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray target = loss.target(draw, pass);
                assertFalse(target.hasGradient(), "target must be detached");
                NDArray batchLoss = loss.perSample(draw, target, pass).mean();
                collector.backward(batchLoss);
            }
            gradient = w.getGradient().getFloat(0);
            // by hand: loss_i = ||w x_t - T_i|| / (t - r) with T_i = w0 x_r held constant
            // d/dw = mean_i ((w x_t - T) . x_t) / (||w x_t - T|| (t - r))
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double ti = ts[i];
                double ri = SCHEDULE.r(ti, 0);
                double dot = 0;
                double norm2 = 0;
                for (int j = 0; j < 2; j++) {
                    double xt = xs[2 * i + j] + ti * es[2 * i + j];
                    double target = ri > 0 ? w0 * (xs[2 * i + j] + ri * es[2 * i + j]) : xs[2 * i + j];
                    double diff = w0 * xt - target;
                    dot += diff * xt;
                    norm2 += diff * diff;
                }
                expected += dot / (Math.sqrt(norm2) * (ti - ri)) / 2;
            }
            assertEquals(expected, gradient, 1e-4 * Math.abs(expected));
        }
    }

    @Test
    void targetIsTheCleanImageWhereRIsZeroAndNonFiniteOutputsBecomeZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            EctLoss loss = new EctLoss(SCHEDULE, 0.0);
            NDArray x = manager.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}).reshape(2, 1, 1, 2);
            NDArray e = manager.zeros(x.getShape());
            NDArray t = manager.create(new float[] {0.5f, 10f}).reshape(2, 1, 1, 1);
            NDArray r = SCHEDULE.r(t, 0);
            assertEquals(0f, r.getFloat(0, 0, 0, 0), "r(0.5) is 0 at stage 0");
            DenoiserPass nanNetwork = (xr, sigma) ->
                    manager.create(new float[] {9f, 9f, Float.NaN, 5f}).reshape(2, 1, 1, 2);
            NDArray target = loss.target(new EctLoss.Draw(x, t, r, e), nanNetwork);
            assertArrayEquals(new float[] {0.1f, 0.2f, 0f, 5f}, target.toFloatArray());
        }
    }

    @Test
    void pseudoHuberDistanceAndWeighting() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double c = 0.03;
            EctLoss loss = new EctLoss(SCHEDULE, c);
            NDArray x = manager.zeros(new ai.djl.ndarray.types.Shape(1, 1, 1, 2));
            NDArray t = manager.create(new float[] {4f}).reshape(1, 1, 1, 1);
            NDArray r = manager.create(new float[] {3f}).reshape(1, 1, 1, 1);
            NDArray target = manager.create(new float[] {1f, 1f}).reshape(1, 1, 1, 2);
            DenoiserPass constant =
                    (xt, sigma) -> manager.create(new float[] {4f, 5f}).reshape(1, 1, 1, 2);
            float value = loss.perSample(new EctLoss.Draw(x, t, r, x), target, constant)
                    .getFloat(0);
            // delta^2 = 3^2 + 4^2 = 25; (sqrt(25 + c^2) - c) / (4 - 3)
            assertEquals(Math.sqrt(25 + c * c) - c, value, 1e-5);
        }
    }

    @Test
    void edmLossWeightsTheSquaredErrorByLambda() {
        try (NDManager manager = NDManager.newBaseManager()) {
            EdmLoss loss = EdmLoss.reference(0.5);
            NDArray x = manager.create(new float[] {0.5f, -0.5f}).reshape(1, 1, 1, 2);
            NDArray noise = manager.create(new float[] {1f, 2f}).reshape(1, 1, 1, 2);
            NDArray sigma = manager.create(new float[] {2f}).reshape(1, 1, 1, 1);
            DenoiserPass zero = (xn, s) -> xn.zerosLike();
            float value = loss.perSample(x, sigma, noise, zero).getFloat(0);
            double lambda = (4 + 0.25) / (4 * 0.25);
            assertEquals(lambda * (0.25 + 0.25), value, 1e-6);
        }
    }
}
