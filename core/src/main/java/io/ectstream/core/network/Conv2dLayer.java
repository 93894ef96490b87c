package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ectstream.core.device.CpuConvolutions;

/** A square 'same'-padded convolution with bias (EDM's Conv2d without resampling; see {@link Resample}). */
public final class Conv2dLayer extends AbstractBlock {
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2dLayer(int inChannels, int outChannels, int kernel, double gain) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        long fanIn = (long) inChannels * kernel * kernel;
        long fanOut = (long) outChannels * kernel * kernel;
        weight = addParameter(Layers.weight(
                "weight",
                new Shape(outChannels, inChannels, kernel, kernel),
                WeightInit.xavierUniform(fanIn, fanOut, gain)));
        bias = addParameter(Layers.bias("bias", outChannels, 0));
    }

    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = Layers.parameter(ps, weight, x, training);
        NDArray b = Layers.parameter(ps, bias, x, training);
        int pad = kernel / 2;
        CpuConvolutions.useReferenceKernels();
        return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(pad, pad)).singletonOrThrow();
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
    }
}
