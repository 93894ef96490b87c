package io.ectstream.core.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ectstream.core.config.NetworkSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * EDM's DDPM++ SongUNet (encoder and decoder type "standard", positional embedding), the network F of
 * docs/ECT.md §3. Forward: F(x [N, C, H, W], cNoise [N]) -> [N, outChannels, H, W].
 * <p>Mapping: emb = silu(map1(silu(map0(posemb(cNoise))))). Encoder per level: a 3x3 conv (level 0) or a
 * down block, then numBlocks blocks; every output is kept as a skip. Decoder from the lowest level:
 * two blocks (the first with attention) at the lowest level, an up block elsewhere, then numBlocks + 1
 * blocks each eating one skip (attention in the last one at attention resolutions). Output:
 * conv(silu(norm(x))).
 * <p>Build, then {@link #initialize(NDManager, long)} with a seed. Same code on CPU and GPU: the forward
 * never reads a value back to the host.
 */
public final class SongUNet extends AbstractBlock {
    private final NetworkSpec spec;
    private final PositionalEmbedding mapNoise;
    private final LinearLayer mapLayer0;
    private final LinearLayer mapLayer1;
    private final Conv2dLayer encConv;
    private final List<UNetBlock> encBlocks = new ArrayList<>();
    private final List<UNetBlock> decBlocks = new ArrayList<>();
    private final List<Boolean> decTakesSkip = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2dLayer outConv;

    public SongUNet(NetworkSpec spec) {
        this.spec = spec;
        int emb = spec.embChannels();
        int noiseChannels = spec.modelChannels();
        double dropout = spec.dropout();
        List<Integer> mults = spec.channelMult();
        mapNoise = new PositionalEmbedding(noiseChannels);
        mapLayer0 = addChildBlock("map_layer0", new LinearLayer(noiseChannels, emb, Layers.GAIN_DEFAULT));
        mapLayer1 = addChildBlock("map_layer1", new LinearLayer(emb, emb, Layers.GAIN_DEFAULT));

        Deque<Integer> skips = new ArrayDeque<>();
        int res0 = spec.imgResolution();
        encConv = addChildBlock(
                "enc_" + res0 + "x" + res0 + "_conv",
                new Conv2dLayer(spec.inChannels(), spec.modelChannels(), 3, Layers.GAIN_DEFAULT));
        int cout = spec.modelChannels();
        skips.push(cout);
        for (int level = 0; level < mults.size(); level++) {
            int res = spec.imgResolution() >> level;
            String prefix = "enc_" + res + "x" + res;
            if (level > 0) {
                encBlocks.add(addChildBlock(
                        prefix + "_down", new UNetBlock(cout, cout, emb, UNetBlock.Resampling.DOWN, false, dropout)));
                skips.push(cout);
            }
            for (int idx = 0; idx < spec.numBlocks(); idx++) {
                int cin = cout;
                cout = spec.modelChannels() * mults.get(level);
                boolean attn = spec.attnResolutions().contains(res);
                encBlocks.add(addChildBlock(
                        prefix + "_block" + idx,
                        new UNetBlock(cin, cout, emb, UNetBlock.Resampling.NONE, attn, dropout)));
                skips.push(cout);
            }
        }

        for (int level = mults.size() - 1; level >= 0; level--) {
            int res = spec.imgResolution() >> level;
            String prefix = "dec_" + res + "x" + res;
            if (level == mults.size() - 1) {
                addDecoder(
                        prefix + "_in0",
                        new UNetBlock(cout, cout, emb, UNetBlock.Resampling.NONE, true, dropout),
                        false);
                addDecoder(
                        prefix + "_in1",
                        new UNetBlock(cout, cout, emb, UNetBlock.Resampling.NONE, false, dropout),
                        false);
            } else {
                addDecoder(
                        prefix + "_up", new UNetBlock(cout, cout, emb, UNetBlock.Resampling.UP, false, dropout), false);
            }
            for (int idx = 0; idx <= spec.numBlocks(); idx++) {
                int cin = cout + skips.pop();
                cout = spec.modelChannels() * mults.get(level);
                boolean attn = idx == spec.numBlocks() && spec.attnResolutions().contains(res);
                addDecoder(
                        prefix + "_block" + idx,
                        new UNetBlock(cin, cout, emb, UNetBlock.Resampling.NONE, attn, dropout),
                        true);
            }
        }
        String out = "dec_" + res0 + "x" + res0;
        outNorm = addChildBlock(out + "_aux_norm", new GroupNorm(cout, UNetBlock.EPS));
        outConv = addChildBlock(out + "_aux_conv", new Conv2dLayer(cout, spec.outChannels(), 3, Layers.GAIN_ZERO));
    }

    private void addDecoder(String name, UNetBlock block, boolean takesSkip) {
        decBlocks.add(addChildBlock(name, block));
        decTakesSkip.add(takesSkip);
    }

    public NetworkSpec spec() {
        return spec;
    }

    /**
     * F(x, cNoise). {@code masks} replays dropout (see {@link DropoutMasks}); null means no dropout.
     * {@code training} is handed to the ParameterStore (DJL's convention). The network computes in its
     * weights' type (see {@link #toPrecision}): x and the noise embedding are cast to it, the output comes
     * back as float32. Every activation is closed as soon as nothing needs it any more (skips once the
     * decoder has eaten them), so that a pass holds what PyTorch would, not every intermediate.
     */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray cNoise, boolean training, DropoutMasks masks) {
        DataType type = computeType();
        return Scoped.keep(() -> {
            NDArray emb = Scoped.keep(() -> {
                NDArray noise = mapNoise.forward(cNoise);
                NDArray typed = noise.getDataType() == type ? noise : noise.toType(type, false);
                return Layers.silu(
                        mapLayer1.forward(ps, Layers.silu(mapLayer0.forward(ps, typed, training)), training));
            });
            Deque<NDArray> skips = new ArrayDeque<>();
            NDArray h = Scoped.keep(
                    () -> encConv.forward(ps, x.getDataType() == type ? x : x.toType(type, false), training));
            skips.push(h);
            for (UNetBlock block : encBlocks) {
                h = block.forward(ps, h, emb, training, masks);
                skips.push(h);
            }
            boolean hIsSkip = true; // the last encoder output is still on the skip stack
            for (int i = 0; i < decBlocks.size(); i++) {
                NDArray in = h;
                boolean inIsSkip = hIsSkip;
                if (decTakesSkip.get(i)) {
                    NDArray skip = skips.pop();
                    in = h.concat(skip, 1);
                    inIsSkip = false;
                    if (!hIsSkip) {
                        h.close();
                    }
                    skip.close();
                }
                h = decBlocks.get(i).forward(ps, in, emb, training, masks);
                if (!inIsSkip) {
                    in.close();
                }
                hIsSkip = false;
            }
            NDArray last = h;
            NDArray out =
                    Scoped.keep(() -> outConv.forward(ps, Layers.silu(outNorm.forward(ps, last, training)), training));
            return out.getDataType() == DataType.FLOAT32 ? out : out.toType(DataType.FLOAT32, false);
        });
    }

    /** The type the network computes in: that of its weights (float32 unless {@link #toPrecision} changed it). */
    public DataType computeType() {
        NDArray weight = encConv.getParameters().get("weight").getArray();
        return weight.getDataType();
    }

    /**
     * Casts every weight to {@code type} (FLOAT32, BFLOAT16 or FLOAT16) for inference, in the manager that
     * holds them, and freezes them (no gradient is ever recorded through a cast network).
     */
    public void toPrecision(NDManager manager, DataType type) {
        for (Parameter parameter : ParameterNames.of(this).values()) {
            NDArray current = parameter.getArray();
            if (current.getDataType() != type) {
                NDArray cast = current.toType(type, true);
                parameter.close();
                parameter.setInitializer((m, shape, dataType) -> cast);
                parameter.initialize(manager, type);
            }
        }
        freezeParameters(true);
    }

    /** Initialises every parameter as EDM does, drawn on the host from {@code seed} (same weights on any device). */
    public void initialize(NDManager manager, long seed) {
        int index = 0;
        for (Parameter parameter : ParameterNames.of(this).values()) {
            if (parameter.getInitializer() instanceof WeightInit init) {
                parameter.setInitializer(init.withSeed(seed * 0x9E3779B97F4A7C15L + index));
            }
            parameter.initialize(manager, DataType.FLOAT32);
            index++;
        }
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        initialize(manager, 0L);
    }

    /** Total number of scalars in all parameters (55,732,739 for {@link NetworkSpec#cifar10()}). */
    public long parameterCount() {
        long total = 0;
        for (Parameter parameter : ParameterNames.of(this).values()) {
            total += parameter.getShape().size();
        }
        return total;
    }

    /** Parameters by their dotted names (see {@link ParameterNames}), in checkpoint order. */
    public Map<String, Parameter> namedParameters() {
        return ParameterNames.of(this);
    }

    /** One row per parameter tensor, in a stable order (the order checkpoints use). */
    public List<LayerRow> layerTable() {
        List<LayerRow> rows = new ArrayList<>();
        ParameterNames.of(this).forEach((name, parameter) -> {
            Shape shape = parameter.getShape();
            rows.add(new LayerRow(name, shape, shape.size()));
        });
        return rows;
    }

    /** A parameter tensor: its hierarchical name, shape and number of scalars. */
    public record LayerRow(String name, Shape shape, long count) {}

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.get(0), inputs.get(1), training, null));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), spec.outChannels(), in.get(2), in.get(3))};
    }
}
