package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Single-head self-attention over pixels, EDM layout: qkv = 1x1 conv to 3C channels read as [N, C, 3, HW],
 * w = softmax_k(q^T k / sqrt(C)), a = v w^T, out = proj(a) (the caller adds the residual and scales).
 */
public final class SelfAttention extends AbstractBlock {
    private final int channels;
    private final GroupNorm norm2;
    private final Conv2dLayer qkv;
    private final Conv2dLayer proj;

    public SelfAttention(int channels) {
        this.channels = channels;
        norm2 = addChildBlock("norm2", new GroupNorm(channels, UNetBlock.EPS));
        qkv = addChildBlock("qkv", new Conv2dLayer(channels, channels * 3, 1, Layers.GAIN_ATTN));
        proj = addChildBlock("proj", new Conv2dLayer(channels, channels, 1, Layers.GAIN_ZERO));
    }

    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return Scoped.keep(() -> attend(ps, x, training));
    }

    private NDArray attend(ParameterStore ps, NDArray x, boolean training) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long pixels = shape.get(2) * shape.get(3);
        NDArray qkvOut =
                qkv.forward(ps, norm2.forward(ps, x, training), training).reshape(n, channels, 3, pixels);
        NDArray q = qkvOut.get(":, :, 0, :");
        NDArray k = qkvOut.get(":, :, 1, :");
        NDArray v = qkvOut.get(":, :, 2, :");
        NDArray w = q.transpose(0, 2, 1)
                .batchMatMul(ScaledBy.times(k, 1 / Math.sqrt(channels)))
                .softmax(2);
        NDArray a = v.batchMatMul(w.transpose(0, 2, 1));
        return proj.forward(ps, a.reshape(shape), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
