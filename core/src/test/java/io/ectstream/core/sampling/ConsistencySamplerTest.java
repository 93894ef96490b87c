package io.ectstream.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.SongUNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With the output convolution zeroed, F = 0 and D(x, s) = cSkip(s) x, so the samplers' results can be
 * written down by hand from the seeded noise streams.
 */
class ConsistencySamplerTest {
    static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1), 2, 1, List.of(), 0, 0.5);

    private static double cSkipSampling(double s) {
        double shifted = s - 0.003;
        return 0.25 / (shifted * shifted + 0.25);
    }

    @Test
    void oneAndTwoStepsFollowEctSectionFive() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(SPEC);
            net.initialize(manager, 1);
            net.namedParameters().forEach((name, p) -> {
                if (name.startsWith("dec_8x8_aux_conv")) {
                    p.getArray().muli(0f);
                }
            });
            Denoiser denoiser = new Denoiser(net);
            ParameterStore ps = new ParameterStore(manager, false);
            long[] seeds = {21, 22};
            ImageShape shape = new ImageShape(1, 8, 8);
            NDArray[] noise = GaussianNoise.draws(manager, seeds, shape, 2);
            double tMid = 0.821;
            float[] one = ConsistencySampler.sample(ps, denoiser, noise[0], null, 1, tMid)
                    .toFloatArray();
            float[] two = ConsistencySampler.sample(ps, denoiser, noise[0], noise[1], 2, tMid)
                    .toFloatArray();
            for (int i = 0; i < seeds.length; i++) {
                double[] stream = GaussianNoise.stream(seeds[i], 2 * 64);
                for (int p = 0; p < 64; p++) {
                    double x0 = cSkipSampling(80) * 80 * stream[p];
                    assertEquals(x0, one[i * 64 + p], 1e-5 * Math.max(1, Math.abs(x0)));
                    double x = cSkipSampling(tMid) * (x0 + tMid * stream[64 + p]);
                    assertEquals(x, two[i * 64 + p], 1e-5 * Math.max(1, Math.abs(x)));
                }
            }
            // Heun, EDM form, F = 0: dx/dt = x t / (t^2 + sigmaData^2) is linear, so x(0) = ratio * 80 z with the
            // ratio of numpy's 18-step Heun recurrence (the exact ODE solution is sigmaData / 80.0016, 5.5 % lower)
            double ratio = io.ectstream.core.Fixtures.ectMath()
                    .get("heunZeroNetwork")
                    .get("ratio")
                    .asDouble();
            long start = System.nanoTime();
            float[] heun = HeunSampler.sample(ps, denoiser, noise[0], 18, Mode.TRAINING)
                    .toFloatArray();
            org.slf4j.LoggerFactory.getLogger(getClass())
                    .info("Heun, 35 evaluations: {} ms", (System.nanoTime() - start) / 1_000_000);
            double[] stream = GaussianNoise.stream(seeds[0], 64);
            for (int p = 0; p < 64; p++) {
                double want = ratio * 80 * stream[p];
                assertEquals(want, heun[p], 1e-4 * Math.abs(want) + 1e-6);
            }
        }
    }
}
