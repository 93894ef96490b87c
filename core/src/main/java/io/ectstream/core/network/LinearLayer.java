package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** y = x W^T + b, W of shape [out, in] (EDM's Linear). */
public final class LinearLayer extends AbstractBlock {
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public LinearLayer(int inFeatures, int outFeatures, double gain) {
        this.outFeatures = outFeatures;
        weight = addParameter(Layers.weight(
                "weight", new Shape(outFeatures, inFeatures), WeightInit.xavierUniform(inFeatures, outFeatures, gain)));
        bias = addParameter(Layers.bias("bias", outFeatures, 0));
    }

    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = Layers.parameter(ps, weight, x, training);
        NDArray b = Layers.parameter(ps, bias, x, training);
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outFeatures)};
    }
}
