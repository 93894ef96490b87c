package io.ectstream.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** A float32 tensor on the host, as stored in a checkpoint. */
public record HostTensor(long[] shape, float[] data) {
    public HostTensor {
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + size + " values, got " + data.length);
        }
    }

    public static HostTensor of(NDArray array) {
        return new HostTensor(array.getShape().getShape(), array.toFloatArray());
    }

    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(shape));
    }
}
