package io.ectstream.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.trainer.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Adam and RAdam against updates computed independently in numpy (fixtures/optimizer_steps.py). */
class OptimizerStepTest {
    private static final JsonNode FIXTURE = Fixtures.json("optimizer_steps.json");

    @Test
    void adamMatchesTheReferenceUpdates() {
        check(
                "adam",
                (manager, size) -> new Adam(
                        manager,
                        size,
                        FIXTURE.get("beta1").asDouble(),
                        FIXTURE.get("beta2").asDouble(),
                        FIXTURE.get("eps").asDouble()));
    }

    @Test
    void radamMatchesTheReferenceUpdatesInBothBranches() {
        JsonNode branches = FIXTURE.get("radam").get("branches");
        assertEquals("momentum", branches.get(0).asText(), "fixture must cover the early unrectified steps");
        assertEquals("rectified", branches.get(branches.size() - 1).asText(), "fixture must cover rectified steps");
        check(
                "radam",
                (manager, size) -> new RAdam(
                        manager,
                        size,
                        FIXTURE.get("beta1").asDouble(),
                        FIXTURE.get("beta2").asDouble(),
                        FIXTURE.get("eps").asDouble()));
    }

    private static void check(String kind, BiFunction<NDManager, Long, Optimizer> factory) {
        float[] p0 = Fixtures.floats(FIXTURE.get("p0"));
        JsonNode expected = FIXTURE.get(kind);
        double lr = expected.get("lr").asDouble();
        try (NDManager manager = NDManager.newBaseManager()) {
            // two parameters of different shapes: the flat view must split them back correctly
            NDArray a = manager.create(Arrays.copyOfRange(p0, 0, 4)).reshape(2, 2);
            NDArray b = manager.create(Arrays.copyOfRange(p0, 4, 7));
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            FlatParameters params = new FlatParameters(List.of("a", "b"), List.of(a, b));
            Optimizer optimizer = factory.apply(manager, params.size());
            JsonNode grads = FIXTURE.get("grads");
            for (int step = 0; step < grads.size(); step++) {
                float[] g = Fixtures.floats(grads.get(step));
                try (NDManager stepManager = manager.newSubManager()) {
                    injectGradient(params, stepManager, g);
                    optimizer.step(params, stepManager, lr);
                }
                double[] want = Fixtures.doubles(expected.get("params").get(step));
                float[] got = concat(a.toFloatArray(), b.toFloatArray());
                for (int i = 0; i < want.length; i++) {
                    assertEquals(
                            want[i],
                            got[i],
                            2e-6 + 1e-5 * Math.abs(want[i]),
                            kind + " step " + (step + 1) + " param " + i);
                }
            }
            assertEquals(grads.size(), optimizer.steps());
        }
    }

    /** Backward of sum(p * g): the gradient is exactly g (after zeroing what the last step left). */
    static void injectGradient(FlatParameters params, NDManager stepManager, float[] g) {
        if (params.arrays().get(0).hasGradient() && params.arrays().get(0).getGradient() != null) {
            params.zeroGradients(stepManager);
        }
        NDArray flatG = stepManager.create(g);
        List<NDArray> parts = params.unflatten(flatG);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (int i = 0; i < parts.size(); i++) {
                NDArray term = params.arrays().get(i).mul(parts.get(i)).sum();
                term.attach(stepManager);
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }

    private static float[] concat(float[] x, float[] y) {
        float[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
