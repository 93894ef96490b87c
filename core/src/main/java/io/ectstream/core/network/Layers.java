package io.ectstream.core.network;

import ai.djl.nn.Parameter;

/** Parameter declarations shared by the layers (EDM's init, init_zero and init_attn). */
final class Layers {
    static final double GAIN_DEFAULT = 1.0;
    static final double GAIN_ZERO = 1e-5;
    static final double GAIN_ATTN = Math.sqrt(0.2);

    private Layers() {}

    /** silu(x) = x * sigmoid(x). */
    static ai.djl.ndarray.NDArray silu(ai.djl.ndarray.NDArray x) {
        return Scoped.keep(() -> x.mul(ai.djl.nn.Activation.sigmoid(x)));
    }

    /**
     * The parameter's value on x's device. A ParameterStore that copies creates (once, then caches) the copy
     * inside whatever {@link Scoped} block asks first: it must outlive that block.
     */
    static ai.djl.ndarray.NDArray parameter(
            ai.djl.training.ParameterStore ps, Parameter parameter, ai.djl.ndarray.NDArray x, boolean training) {
        return Scoped.release(ps.getValue(parameter, x.getDevice(), training));
    }

    static Parameter weight(String name, ai.djl.ndarray.types.Shape shape, WeightInit init) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(shape)
                .optInitializer(init)
                .build();
    }

    static Parameter bias(String name, long size, double value) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.BIAS)
                .optShape(new ai.djl.ndarray.types.Shape(size))
                .optInitializer(WeightInit.constant(value))
                .build();
    }
}
