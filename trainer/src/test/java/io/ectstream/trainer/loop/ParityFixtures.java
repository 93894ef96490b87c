package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.core.safetensors.ReferenceLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * What the parity fixtures (fixtures/ect_step_parity.py, ect_trajectory_parity.py) and their tests share: the 32-bit
 * hash both programs draw masks, noise and projections from, and the comparison of a tensor with the fixture's
 * summary of the exact (float64) one, held to the reference's own float32 error.
 */
final class ParityFixtures {
    private ParityFixtures() {}

    /** lowbias32, as the scripts' mix32 on uint32. */
    static int mix32(int x) {
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        x *= 0x846CA68B;
        x ^= x >>> 16;
        return x;
    }

    /** u in [0, 1) with 24 bits for flat index {@code i}: the scripts' hash_uniform. */
    static double hashUniform(int salt, int i) {
        return (mix32(i + salt * 0x9E3779B9) >>> 8) / (double) (1 << 24);
    }

    /** Masks that keep where hashUniform(salt, element) >= p, the salt given by the block's order in the pass. */
    static DropoutMasks.Draw hashMasks(IntUnaryOperator saltOfBlock) {
        int[] order = {0};
        return (x, p) -> {
            int salt = saltOfBlock.applyAsInt(order[0]++);
            int n = (int) x.size();
            boolean[] keep = new boolean[n];
            for (int i = 0; i < n; i++) {
                keep[i] = hashUniform(salt, i) >= p;
            }
            // created in its final shape: a reshaped view would outlive the array that holds the Java-side bytes
            return x.getManager().create(keep, x.getShape());
        };
    }

    /**
     * Asserts that each tensor (ours, by the network's parameter order) is as close to the fixture's exact summary
     * (L2 norm, sum, +-1 projections) as the reference's float32 run is, within {@code slack}; a tensor whose own
     * float32 error is below the median is held to the median. Returns the worst error / allowed.
     */
    static double assertCloseToExact(
            String label,
            List<String> names,
            IntFunction<float[]> ours,
            JsonNode summaries,
            int projections,
            double slack) {
        assertEquals(summaries.size(), names.size(), label + ": one summary per parameter");
        double total = 0;
        List<Double> theirErrors = new ArrayList<>();
        for (JsonNode s : summaries) {
            total += s.get("norm").asDouble() * s.get("norm").asDouble();
            theirErrors.add(s.get("fp32Error").asDouble());
        }
        theirErrors.sort(null);
        double typical = theirErrors.get(theirErrors.size() / 2);
        // a tensor tiny against the whole (some biases) is held to the whole's scale (as the scripts)
        double floor = 1e-3 * Math.sqrt(total);
        double worst = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = ReferenceLayout.referenceName(names.get(i));
            JsonNode want = summaries.get(name);
            assertTrue(want != null, label + ": the reference has no parameter " + name);
            float[] values = ours.apply(i);
            double wantNorm = want.get("norm").asDouble();
            double scale = Math.max(wantNorm, floor);
            double error = Math.abs(norm(values) - wantNorm) / scale;
            error = Math.max(
                    error, Math.abs(sum(values) - want.get("sum").asDouble()) / (scale * Math.sqrt(values.length)));
            for (int k = 0; k < projections; k++) {
                error = Math.max(
                        error,
                        Math.abs(projection(values, k) - want.get("proj").get(k).asDouble()) / scale);
            }
            double allowed = slack * Math.max(want.get("fp32Error").asDouble(), typical);
            worst = Math.max(worst, error / allowed);
            assertTrue(error <= allowed, label + ": " + name + " is off by " + error + ", allowed " + allowed);
        }
        System.out.printf(
                "%s: %d tensors, worst error / allowed %.2f (reference fp32's median error %.2e)%n",
                label, names.size(), worst, typical);
        return worst;
    }

    private static double projection(float[] v, int k) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += hashUniform(1000 + k, i) >= 0.5 ? v[i] : -v[i];
        }
        return s;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
