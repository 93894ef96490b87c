package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EDM's UNetBlock as DDPM++ configures it (one attention head, adaptive_scale false, resample_proj true):
 * <pre>
 *   h = conv0(resample(silu(norm0(x))))
 *   h = silu(norm1(h + affine(emb)))
 *   h = conv1(dropout(h))
 *   x = (h + skip(resample(x))) * skipScale          skip = 1x1 conv when shapes change, else identity
 *   x = (proj(attention(norm2(x))) + x) * skipScale  only with attention
 * </pre>
 */
public final class UNetBlock extends AbstractBlock {
    public static final double SKIP_SCALE = Math.sqrt(0.5);
    public static final double EPS = 1e-6;

    public enum Resampling {
        NONE,
        UP,
        DOWN
    }

    private final int inChannels;
    private final int outChannels;
    private final Resampling resampling;
    private final double dropout;
    private final GroupNorm norm0;
    private final Conv2dLayer conv0;
    private final LinearLayer affine;
    private final GroupNorm norm1;
    private final Conv2dLayer conv1;
    private final Conv2dLayer skip;
    private final SelfAttention attention;

    public UNetBlock(
            int inChannels,
            int outChannels,
            int embChannels,
            Resampling resampling,
            boolean withAttention,
            double dropout) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.resampling = resampling;
        this.dropout = dropout;
        norm0 = addChildBlock("norm0", new GroupNorm(inChannels, EPS));
        conv0 = addChildBlock("conv0", new Conv2dLayer(inChannels, outChannels, 3, Layers.GAIN_DEFAULT));
        affine = addChildBlock("affine", new LinearLayer(embChannels, outChannels, Layers.GAIN_DEFAULT));
        norm1 = addChildBlock("norm1", new GroupNorm(outChannels, EPS));
        conv1 = addChildBlock("conv1", new Conv2dLayer(outChannels, outChannels, 3, Layers.GAIN_ZERO));
        boolean reshapes = outChannels != inChannels || resampling != Resampling.NONE;
        skip = reshapes
                ? addChildBlock("skip", new Conv2dLayer(inChannels, outChannels, 1, Layers.GAIN_DEFAULT))
                : null;
        attention = withAttention ? addChildBlock("attn", new SelfAttention(outChannels)) : null;
    }

    /**
     * Each stage runs in its own {@link Scoped} so that only the arrays still needed stay alive: the block's
     * peak is its input, one or two activations and a stage's temporaries, whatever the block's depth.
     */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray emb, boolean training, DropoutMasks masks) {
        return Scoped.keep(() -> {
            NDArray h0 = Scoped.keep(
                    () -> conv0.forward(ps, resample(Layers.silu(norm0.forward(ps, x, training))), training));
            NDArray h1 = Scoped.keep(() -> {
                NDArray params = affine.forward(ps, emb, training).reshape(-1, outChannels, 1, 1);
                NDArray h = Layers.silu(norm1.forward(ps, h0.add(params), training));
                return masks != null ? masks.apply(this, h, dropout) : h;
            });
            h0.close();
            NDArray h2 = Scoped.keep(() -> conv1.forward(ps, h1, training));
            h1.close();
            NDArray out = Scoped.keep(() -> {
                NDArray residual = skip != null ? skip.forward(ps, resample(x), training) : x;
                return ScaledBy.times(h2.add(residual), SKIP_SCALE);
            });
            h2.close();
            if (attention == null) {
                return out;
            }
            NDArray attended = Scoped.keep(
                    () -> ScaledBy.times(attention.forward(ps, out, training).add(out), SKIP_SCALE));
            out.close();
            return attended;
        });
    }

    private NDArray resample(NDArray x) {
        return switch (resampling) {
            case NONE -> x;
            case UP -> Resample.up(x);
            case DOWN -> Resample.down(x);
        };
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public Resampling resampling() {
        return resampling;
    }

    public boolean hasAttention() {
        return attention != null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.get(0), inputs.get(1), training, null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long factor = resampling == Resampling.UP ? 2 : 1;
        long divisor = resampling == Resampling.DOWN ? 2 : 1;
        return new Shape[] {
            new Shape(in.get(0), outChannels, in.get(2) * factor / divisor, in.get(3) * factor / divisor)
        };
    }
}
