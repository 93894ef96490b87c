package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ectstream.core.network.Conv2dLayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * After {@link CpuConvolutions#useReferenceKernels}, a convolution whose input channels are not a multiple of oneDNN's
 * channel block (20: the case oneDNN got wrong by ~20 on an AVX-512 AMD EPYC) matches numpy's float64 result
 * (fixtures/convolution/make_conv20.py).
 */
class CpuConvolutionsTest {
    private static final int N = 4;
    private static final int CI = 20;
    private static final int CO = 16;
    private static final int H = 8;

    @Test
    void twentyInputChannelsMatchNumpyThroughTheNetworksConvolutionLayer() throws IOException {
        float[] expected = fixture();
        try (NDManager manager = NDManager.newBaseManager()) {
            Conv2dLayer layer = new Conv2dLayer(CI, CO, 3, 1.0);
            layer.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(N, CI, H, H));
            float[] x = new float[N * CI * H * H];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.37);
            }
            float[] w = new float[CO * CI * 9];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (Math.cos(i * 0.11) * 0.2);
            }
            float[] b = new float[CO];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) Math.sin(i * 1.3);
            }
            layer.getParameters().get("weight").getArray().set(w);
            layer.getParameters().get("bias").getArray().set(b);
            NDArray input = manager.create(x, new Shape(N, CI, H, H));
            float[] y = layer.forward(new ai.djl.training.ParameterStore(manager, false), input, false)
                    .toFloatArray();

            assertEquals(expected.length, y.length);
            for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], 1e-4, "output " + i);
            }
            assertTrue(CpuConvolutions.useReferenceKernels().applied());
            assertFalse(CpuConvolutions.oneDnnEnabled(), "libtorch's CPU convolutions no longer use oneDNN");
        }
    }

    private static float[] fixture() throws IOException {
        try (InputStream in = CpuConvolutionsTest.class.getResourceAsStream("/fixtures/convolution/conv20.txt")) {
            String[] lines =
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
            float[] values = new float[lines.length];
            for (int i = 0; i < lines.length; i++) {
                values[i] = Float.parseFloat(lines[i].trim());
            }
            return values;
        }
    }
}
