package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Resampling with EDM's filter [1, 1]: down = the normalised 2x2 box filter at stride 2 (a 2x2 average),
 * up = its transposed convolution times 4 (each pixel copied to a 2x2 patch).
 */
public final class Resample {
    private Resample() {}

    public static NDArray down(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h / 2, 2, w / 2, 2).mean(new int[] {5}).mean(new int[] {3});
    }

    public static NDArray up(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1).broadcast(n, c, h, 2, w, 2).reshape(n, c, h * 2, w * 2);
    }
}
