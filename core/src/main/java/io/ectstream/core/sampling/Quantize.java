package io.ectstream.core.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Images in [-1, 1] to uint8: clamp(x * 127.5 + 128, 0, 255), truncated (docs/ECT.md §5). */
public final class Quantize {
    private Quantize() {}

    /** One CHW byte array per image; the single read back to the host of a generation. */
    public static byte[][] toUint8(NDArray x) {
        long n = x.getShape().get(0);
        int pixels = Math.toIntExact(x.getShape().size() / n);
        NDArray scaled = x.mul(127.5f).add(128f).clip(0f, 255f).toType(DataType.UINT8, false);
        byte[] all = scaled.toByteArray();
        byte[][] images = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
            images[i] = java.util.Arrays.copyOfRange(all, i * pixels, (i + 1) * pixels);
        }
        return images;
    }
}
