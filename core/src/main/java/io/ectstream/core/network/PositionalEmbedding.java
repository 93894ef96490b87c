package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * EDM's positional noise embedding: freqs_j = (1 / maxPositions)^(j / (C/2 - 1)) with endpoint true,
 * emb = [sin(c * freqs), cos(c * freqs)] (EDM computes [cos, sin] and then swaps the halves; this is the
 * swapped result). No parameters.
 */
public final class PositionalEmbedding {
    public static final double MAX_POSITIONS = 10_000;

    private final int numChannels;
    private final float[] freqs;

    public PositionalEmbedding(int numChannels, double maxPositions, boolean endpoint) {
        if (numChannels < 4 || numChannels % 2 != 0) {
            throw new IllegalArgumentException(
                    "positional embedding needs an even channel count >= 4, not " + numChannels);
        }
        this.numChannels = numChannels;
        int half = numChannels / 2;
        freqs = new float[half];
        for (int j = 0; j < half; j++) {
            double exponent = (double) j / (half - (endpoint ? 1 : 0));
            freqs[j] = (float) Math.pow(1 / maxPositions, exponent);
        }
    }

    public PositionalEmbedding(int numChannels) {
        this(numChannels, MAX_POSITIONS, true);
    }

    public int numChannels() {
        return numChannels;
    }

    /** @param cNoise [N] noise labels; returns [N, numChannels] */
    public NDArray forward(NDArray cNoise) {
        NDArray f = cNoise.getManager().create(freqs).toDevice(cNoise.getDevice(), false);
        NDArray angles = cNoise.reshape(-1, 1).mul(f.reshape(1, -1));
        return NDArrays.concat(new NDList(angles.sin(), angles.cos()), 1);
    }
}
