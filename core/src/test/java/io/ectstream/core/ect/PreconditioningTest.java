package io.ectstream.core.ect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.Fixtures;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Preconditioning.Coefficients;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.SongUNet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreconditioningTest {
    private static final JsonNode FIXTURE = Fixtures.ectMath().get("preconditioning");
    private final Preconditioning precond =
            new Preconditioning(FIXTURE.get("sigmaData").asDouble());

    @Test
    void scalarCoefficientsMatchNumpy() {
        for (JsonNode row : FIXTURE.get("rows")) {
            double s = row.get("sigma").asDouble();
            assertEquals(row.get("cIn").asDouble(), precond.cIn(s), 1e-15, "cIn at " + s);
            assertEquals(row.get("cNoise").asDouble(), precond.cNoise(s), 1e-15, "cNoise at " + s);
            for (Mode mode : Mode.values()) {
                JsonNode want = row.get(mode == Mode.TRAINING ? "training" : "sampling");
                assertEquals(want.get("cSkip").asDouble(), precond.cSkip(s, mode), 1e-15, mode + " cSkip at " + s);
                assertEquals(want.get("cOut").asDouble(), precond.cOut(s, mode), 1e-15, mode + " cOut at " + s);
            }
        }
    }

    @Test
    void deviceCoefficientsMatchNumpyInFloat32() {
        JsonNode rows = FIXTURE.get("rows");
        float[] sigmas = new float[rows.size()];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = (float) rows.get(i).get("sigma").asDouble();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Mode mode : Mode.values()) {
                Coefficients c = precond.coefficients(manager.create(sigmas), mode);
                assertEquals(new Shape(sigmas.length, 1, 1, 1), c.cSkip().getShape());
                float[] cSkip = c.cSkip().toFloatArray();
                float[] cOut = c.cOut().toFloatArray();
                float[] cIn = c.cIn().toFloatArray();
                float[] cNoise = c.cNoise().toFloatArray();
                for (int i = 0; i < sigmas.length; i++) {
                    JsonNode row = rows.get(i);
                    JsonNode want = row.get(mode == Mode.TRAINING ? "training" : "sampling");
                    assertEquals(want.get("cSkip").asDouble(), cSkip[i], 2e-6, mode + " cSkip");
                    assertEquals(
                            want.get("cOut").asDouble(),
                            cOut[i],
                            2e-6 * Math.max(1, Math.abs(cOut[i])),
                            mode + " cOut");
                    assertEquals(row.get("cIn").asDouble(), cIn[i], 2e-6 * cIn[i], "cIn");
                    assertEquals(row.get("cNoise").asDouble(), cNoise[i], 2e-6, "cNoise");
                }
            }
        }
    }

    @Test
    void samplingDenoiserIsExactlyTheIdentityAtSigmaMin() {
        NetworkSpec spec = new NetworkSpec(8, 2, 2, 8, List.of(1, 2), 2, 1, List.of(4), 0, 0.5);
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(spec);
            net.initialize(manager, 11);
            // make F far from zero so that only exact coefficients can give back x
            net.getParameters().forEach(p -> p.getValue().getArray().addi(0.3f));
            Denoiser denoiser = new Denoiser(net);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 2, 8, 8)).mul(2f);
            NDArray sigmaMin = manager.full(new Shape(3), (float) Preconditioning.SIGMA_MIN_SHIFT);
            NDArray d = denoiser.denoise(ps, x, sigmaMin, false, Mode.SAMPLING, null);
            assertArrayEquals(x.toFloatArray(), d.toFloatArray());
            NDArray dTrain = denoiser.denoise(ps, x, sigmaMin, false, Mode.TRAINING, null);
            assertEquals(true, dTrain.sub(x).abs().max().getFloat() > 1e-4f, "training form is not the identity");
        }
    }

    @Test
    void denoiserCombinesTheNetworkWithTheCoefficients() {
        NetworkSpec spec = new NetworkSpec(8, 1, 1, 8, List.of(1), 2, 1, List.of(), 0, 0.5);
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(spec);
            net.initialize(manager, 5);
            net.getParameters().forEach(p -> p.getValue().getArray().addi(0.1f));
            Denoiser denoiser = new Denoiser(net);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(2, 1, 8, 8));
            double[] s = {0.7, 4.0};
            NDArray sigma = manager.create(new float[] {(float) s[0], (float) s[1]});
            float[] d =
                    denoiser.denoise(ps, x, sigma, false, Mode.TRAINING, null).toFloatArray();
            float[] xs = x.toFloatArray();
            for (int i = 0; i < 2; i++) {
                NDArray xi = x.get(i + ":" + (i + 1));
                float[] f = net.forward(
                                ps,
                                xi.mul((float) precond.cIn(s[i])),
                                manager.create(new float[] {(float) precond.cNoise(s[i])}),
                                false,
                                null)
                        .toFloatArray();
                for (int p = 0; p < 64; p++) {
                    double want = precond.cSkip(s[i], Mode.TRAINING) * xs[i * 64 + p]
                            + precond.cOut(s[i], Mode.TRAINING) * f[p];
                    assertEquals(want, d[i * 64 + p], 1e-4);
                }
            }
        }
    }

    @Test
    void rejectsNonPositiveSigmaData() {
        assertThrows(IllegalArgumentException.class, () -> new Preconditioning(0));
    }
}
