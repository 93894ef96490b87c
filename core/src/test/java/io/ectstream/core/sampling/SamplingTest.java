package io.ectstream.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.Fixtures;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SamplingTest {
    static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 1, List.of(4), 0.3, 0.5);
    private static DenoiserImageGenerator generator;

    @BeforeAll
    static void loadTinyModel() {
        NDManager manager = NDManager.newBaseManager();
        SongUNet net = new SongUNet(SPEC);
        net.initialize(manager, 42);
        // untrained init_zero layers give F ~ 0; push weights so images depend on the network
        net.getParameters().forEach(p -> p.getValue().getArray().addi(0.05f));
        generator = new DenoiserImageGenerator(manager, net);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void heunScheduleMatchesNumpy() {
        JsonNode c = Fixtures.ectMath().get("heun");
        double[] got = HeunSampler.sigmaSchedule(
                c.get("steps").asInt(),
                c.get("sigmaMin").asDouble(),
                c.get("sigmaMax").asDouble(),
                c.get("rho").asDouble());
        double[] want = Fixtures.doubles(c.get("sigmas"));
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12 * Math.max(1, want[i]), "sigma " + i);
        }
        assertEquals(35, SamplerSettings.heun().networkEvaluations());
    }

    @Test
    void sameSeedsGiveSameBytesAndOtherSeedsOtherBytes() {
        for (SamplerSettings settings : List.of(
                SamplerSettings.ect(1),
                SamplerSettings.ect(2),
                new SamplerSettings(io.ectstream.schemas.SamplerKind.EDM_HEUN, 3, SamplerSettings.DEFAULT_T_MID))) {
            long[] seeds = {1, 2, 3};
            byte[][] a = generator.generate(seeds, settings);
            byte[][] b = generator.generate(seeds, settings);
            assertEquals(3, a.length);
            assertEquals(generator.shape().pixels(), a[0].length);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(a[i], b[i], settings + " image " + i);
            }
            assertFalse(Arrays.equals(a[0], a[1]), settings + ": different seeds, different images");
        }
    }

    @Test
    void anImageDoesNotDependOnItsBatch() {
        long[] batch = NoiseSeeds.forImages(77, 0, 5);
        for (SamplerSettings settings : List.of(SamplerSettings.ect(1), SamplerSettings.ect(2, 1.5))) {
            byte[][] together = generator.generate(batch, settings);
            for (int i = 0; i < batch.length; i++) {
                byte[][] alone = generator.generate(new long[] {batch[i]}, settings);
                assertArrayEquals(together[i], alone[0], settings + " image " + i);
            }
        }
    }

    @Test
    void anImageDoesNotDependOnItsBatchForTheSmallNetworkEither() {
        NDManager manager = NDManager.newBaseManager();
        SongUNet net = new SongUNet(NetworkSpec.small());
        net.initialize(manager, 4);
        net.namedParameters().values().forEach(p -> p.getArray().addi(0.01f));
        try (DenoiserImageGenerator small = new DenoiserImageGenerator(manager, net)) {
            long[] batch = NoiseSeeds.forImages(5, 10, 3);
            long start = System.nanoTime();
            byte[][] together = small.generate(batch, SamplerSettings.ect(2));
            org.slf4j.LoggerFactory.getLogger(SamplingTest.class)
                    .info("small net, 3 images one by one, 2 steps: {} ms", (System.nanoTime() - start) / 1_000_000);
            for (int i = 0; i < batch.length; i++) {
                assertArrayEquals(
                        together[i], small.generate(new long[] {batch[i]}, SamplerSettings.ect(2))[0], "image " + i);
            }
        }
    }

    @Test
    void twoStepsDependOnTMid() {
        long[] seeds = {9};
        assertFalse(Arrays.equals(
                generator.generate(seeds, SamplerSettings.ect(2, 0.821))[0],
                generator.generate(seeds, SamplerSettings.ect(2, 5.0))[0]));
    }

    @Test
    void noiseIsStandardNormalAndSeeded() {
        double[] z = GaussianNoise.stream(123, 20_000);
        double mean = Arrays.stream(z).average().orElseThrow();
        double var = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).sum() / (z.length - 1);
        assertEquals(0, mean, 0.03);
        assertEquals(1, var, 0.04);
        assertArrayEquals(z, GaussianNoise.stream(123, 20_000));
        assertFalse(Arrays.equals(Arrays.copyOf(z, 10), GaussianNoise.stream(124, 10)));
    }

    @Test
    void quantizationClampsAndTruncates() {
        try (NDManager manager = NDManager.newBaseManager()) {
            byte[][] out = Quantize.toUint8(manager.create(
                    new float[] {-2f, -1f, 0f, 0.5f, 0.999f, 1f, 3f}, new ai.djl.ndarray.types.Shape(1, 7)));
            // x * 127.5 + 128: -127 -> 0, 0.5 -> 0, 128, 191.75 -> 191, 255.37 -> 255, 255.5 -> 255, 510.5 -> 255
            assertArrayEquals(new byte[] {0, 0, (byte) 128, (byte) 191, (byte) 255, (byte) 255, (byte) 255}, out[0]);
        }
    }

    @Test
    void settingsRejectImpossibleStepCounts() {
        assertThrows(IllegalArgumentException.class, () -> SamplerSettings.ect(3));
        assertThrows(IllegalArgumentException.class, () -> HeunSampler.sigmaSchedule(0, 0.002, 80, 7));
    }

    /** Heun's memory must not grow with its steps: each iteration's activations are freed before the next. */
    @Test
    void heunKeepsOnlyTheCurrentStateBetweenIterations() {
        try (NDManager outer = NDManager.newBaseManager()) {
            ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(outer, false);
            ai.djl.ndarray.NDArray z = outer.randomNormal(new ai.djl.ndarray.types.Shape(4, 1, 8, 8));
            int before = outer.getManagedArrays().size();
            HeunSampler.sample(ps, generator.denoiser(), z, 2, io.ectstream.core.ect.Preconditioning.Mode.TRAINING);
            int afterTwoSteps = outer.getManagedArrays().size() - before;
            HeunSampler.sample(ps, generator.denoiser(), z, 18, io.ectstream.core.ect.Preconditioning.Mode.TRAINING);
            int afterEighteenSteps = outer.getManagedArrays().size() - before - afterTwoSteps;
            // one state per iteration may remain (tiny: the batch of images); a forward pass alone leaves dozens
            org.junit.jupiter.api.Assertions.assertTrue(
                    afterEighteenSteps - afterTwoSteps <= 2 * 16,
                    "arrays kept: " + afterTwoSteps + " for 2 steps, " + afterEighteenSteps + " for 18");
        }
    }
}
