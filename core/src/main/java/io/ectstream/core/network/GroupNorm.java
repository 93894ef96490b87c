package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * EDM's GroupNorm: min(32, C / 4) groups, per-channel scale and shift. One fused layer-norm kernel over
 * [N, G, C/G * H * W] (one kernel instead of a chain of small ops), then the affine per channel.
 */
public final class GroupNorm extends AbstractBlock {
    public static final int MAX_GROUPS = 32;
    public static final int MIN_CHANNELS_PER_GROUP = 4;

    private final int channels;
    private final int groups;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Map<String, NDArray[]> unitAffine = new ConcurrentHashMap<>();

    public GroupNorm(int channels, double eps) {
        this.channels = channels;
        this.groups = Math.min(MAX_GROUPS, channels / MIN_CHANNELS_PER_GROUP);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm over " + channels + " channels needs at least "
                    + MIN_CHANNELS_PER_GROUP + " channels and a channel count divisible by its " + groups + " groups");
        }
        this.eps = (float) eps;
        weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .optInitializer(WeightInit.constant(1))
                .build());
        bias = addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .optInitializer(WeightInit.constant(0))
                .build());
    }

    public int groups() {
        return groups;
    }

    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return Scoped.keep(() -> normalize(ps, x, training));
    }

    private NDArray normalize(ParameterStore ps, NDArray x, boolean training) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long perGroup = shape.size() / n / groups;
        Shape normalized = new Shape(perGroup);
        NDArray[] unit = unitAffine(normalized, x);
        NDArray y = x.getNDArrayInternal()
                .layerNorm(x.reshape(n, groups, perGroup), normalized, unit[0], unit[1], eps)
                .singletonOrThrow()
                .reshape(shape);
        // The reshapes would otherwise belong to the parameters' long-lived manager and outlive the pass.
        NDArray gamma = Layers.parameter(ps, weight, x, training).reshape(1, channels, 1, 1);
        NDArray beta = Layers.parameter(ps, bias, x, training).reshape(1, channels, 1, 1);
        gamma.attach(x.getManager());
        beta.attach(x.getManager());
        return y.mul(gamma).add(beta);
    }

    /**
     * The layer norm's own (identity) scale and shift, made once per shape, type and device and kept with the
     * parameters: two fewer allocations and kernel launches per normalisation (what decides one-image latency).
     */
    private NDArray[] unitAffine(Shape normalized, NDArray x) {
        String key = normalized + "/" + x.getDataType() + "/" + x.getDevice();
        return unitAffine.computeIfAbsent(key, k -> {
            NDManager owner = weight.getArray().getManager();
            NDArray ones = Scoped.release(owner.ones(normalized, x.getDataType(), x.getDevice()));
            NDArray zeros = Scoped.release(owner.zeros(normalized, x.getDataType(), x.getDevice()));
            return new NDArray[] {ones, zeros};
        });
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
