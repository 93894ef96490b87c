package io.ectstream.core.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.Fixtures;
import org.junit.jupiter.api.Test;

class NetworkMathTest {

    @Test
    void groupNormMatchesNumpy() {
        for (JsonNode c : Fixtures.ectMath().get("groupNorm")) {
            long[] dims = new long[4];
            for (int d = 0; d < 4; d++) {
                dims[d] = c.get("shape").get(d).asLong();
            }
            int channels = (int) dims[1];
            int size = (int) (dims[0] * dims[1] * dims[2] * dims[3]);
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) (Math.sin(0.37 * i) * (1 + (i % 7)));
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                GroupNorm norm = new GroupNorm(channels, 1e-6);
                assertEquals(c.get("groups").asInt(), norm.groups());
                norm.getParameters()
                        .forEach(p -> p.getValue().initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32));
                float[] weight = new float[channels];
                float[] bias = new float[channels];
                for (int k = 0; k < channels; k++) {
                    weight[k] = (float) (1 + 0.1 * k);
                    bias[k] = (float) (0.05 * k - 0.2);
                }
                norm.getParameters().get("weight").getArray().set(java.nio.FloatBuffer.wrap(weight));
                norm.getParameters().get("bias").getArray().set(java.nio.FloatBuffer.wrap(bias));
                float[] y = norm.forward(new ParameterStore(manager, false), manager.create(x, new Shape(dims)), false)
                        .toFloatArray();
                double[] want = Fixtures.doubles(c.get("output"));
                for (int i = 0; i < size; i++) {
                    assertEquals(want[i], y[i], 2e-5 * Math.max(1, Math.abs(want[i])), "element " + i);
                }
            }
        }
    }

    @Test
    void positionalEmbeddingMatchesNumpy() {
        JsonNode c = Fixtures.ectMath().get("positionalEmbedding");
        double[] input = Fixtures.doubles(c.get("input"));
        float[] in = new float[input.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) input[i];
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray emb = new PositionalEmbedding(c.get("numChannels").asInt()).forward(manager.create(in));
            assertEquals(new Shape(in.length, c.get("numChannels").asInt()), emb.getShape());
            float[] got = emb.toFloatArray();
            double[] want = Fixtures.doubles(c.get("output"));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-6, "element " + i);
            }
        }
    }

    @Test
    void resamplingAveragesAndCopies2x2Patches() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.arange(16f).reshape(1, 1, 4, 4);
            float[] down = Resample.down(x).toFloatArray();
            assertEquals(4, down.length);
            assertEquals((0 + 1 + 4 + 5) / 4f, down[0]);
            assertEquals((10 + 11 + 14 + 15) / 4f, down[3]);
            float[] up = Resample.up(manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2)))
                    .toFloatArray();
            assertEquals(java.util.List.of(1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 3f, 3f, 4f, 4f), toList(up));
        }
    }

    private static java.util.List<Float> toList(float[] values) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
