package io.ectstream.core.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ectstream.schemas.NetworkConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The EDM DDPM++ SongUNet configuration (docs/ECT.md §3), mirroring the Avro {@link NetworkConfig}.
 * Built at the edge (YAML/JSON through Jackson, or a preset) and passed in. Keys may be camelCase or
 * snake_case; missing optional keys take EDM's defaults (outChannels = inChannels, channelMultEmb 4,
 * no attention, no dropout, sigmaData 0.5).
 */
public record NetworkSpec(
        int imgResolution,
        int inChannels,
        int outChannels,
        int modelChannels,
        List<Integer> channelMult,
        int channelMultEmb,
        int numBlocks,
        List<Integer> attnResolutions,
        double dropout,
        double sigmaData) {

    public static final int DEFAULT_CHANNEL_MULT_EMB = 4;
    public static final double DEFAULT_SIGMA_DATA = 0.5;

    public NetworkSpec {
        channelMult = List.copyOf(require(channelMult, "channelMult"));
        attnResolutions = List.copyOf(require(attnResolutions, "attnResolutions"));
        positive(imgResolution, "imgResolution");
        positive(inChannels, "inChannels");
        positive(outChannels, "outChannels");
        positive(numBlocks, "numBlocks");
        positive(channelMultEmb, "channelMultEmb");
        if (modelChannels < 4 || modelChannels % 2 != 0) {
            throw new IllegalArgumentException("modelChannels must be even and at least 4 (GroupNorm needs 4 channels"
                    + " per group, the sin/cos embedding 2 halves), not " + modelChannels);
        }
        if (channelMult.isEmpty()) {
            throw new IllegalArgumentException("channelMult needs at least one level");
        }
        for (int mult : channelMult) {
            positive(mult, "every channelMult entry");
        }
        int levels = channelMult.size();
        if (levels > 1 && imgResolution % (1 << (levels - 1)) != 0) {
            throw new IllegalArgumentException("imgResolution " + imgResolution + " cannot be halved " + (levels - 1)
                    + " times (one per extra channelMult level)");
        }
        List<Integer> resolutions = levelResolutions(imgResolution, levels);
        for (int res : attnResolutions) {
            if (!resolutions.contains(res)) {
                throw new IllegalArgumentException(
                        "attention resolution " + res + " is not one of the U-Net's resolutions " + resolutions);
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), not " + dropout);
        }
        if (!(sigmaData > 0) || !Double.isFinite(sigmaData)) {
            throw new IllegalArgumentException("sigmaData must be a positive finite number, not " + sigmaData);
        }
    }

    /** Jackson entry point: optional keys get their defaults. */
    @JsonCreator
    public static NetworkSpec of(
            @JsonProperty("imgResolution") @JsonAlias("img_resolution") Integer imgResolution,
            @JsonProperty("inChannels") @JsonAlias("in_channels") Integer inChannels,
            @JsonProperty("outChannels") @JsonAlias("out_channels") Integer outChannels,
            @JsonProperty("modelChannels") @JsonAlias("model_channels") Integer modelChannels,
            @JsonProperty("channelMult") @JsonAlias("channel_mult") List<Integer> channelMult,
            @JsonProperty("channelMultEmb") @JsonAlias("channel_mult_emb") Integer channelMultEmb,
            @JsonProperty("numBlocks") @JsonAlias("num_blocks") Integer numBlocks,
            @JsonProperty("attnResolutions") @JsonAlias("attn_resolutions") List<Integer> attnResolutions,
            @JsonProperty("dropout") Double dropout,
            @JsonProperty("sigmaData") @JsonAlias("sigma_data") Double sigmaData) {
        int in = required(inChannels, "inChannels");
        return new NetworkSpec(
                required(imgResolution, "imgResolution"),
                in,
                outChannels == null ? in : outChannels,
                required(modelChannels, "modelChannels"),
                require(channelMult, "channelMult"),
                channelMultEmb == null ? DEFAULT_CHANNEL_MULT_EMB : channelMultEmb,
                required(numBlocks, "numBlocks"),
                attnResolutions == null ? List.of() : attnResolutions,
                dropout == null ? 0.0 : dropout,
                sigmaData == null ? DEFAULT_SIGMA_DATA : sigmaData);
    }

    /** docs/ECT.md §3: the reference CIFAR-10 DDPM++ network (55,732,739 parameters). */
    public static NetworkSpec cifar10() {
        return new NetworkSpec(32, 3, 3, 128, List.of(2, 2, 2), 4, 4, List.of(16), 0.2, 0.5);
    }

    /** A network that trains on a 2-core CPU: Fashion-MNIST size, 32 channels, attention at 7 px. */
    public static NetworkSpec small() {
        return new NetworkSpec(28, 1, 1, 32, List.of(1, 2, 2), 4, 1, List.of(7), 0.1, 0.5);
    }

    /** The same network with another dropout rate (dropout changes no weight, only training passes). */
    public NetworkSpec withDropout(double rate) {
        return new NetworkSpec(
                imgResolution,
                inChannels,
                outChannels,
                modelChannels,
                channelMult,
                channelMultEmb,
                numBlocks,
                attnResolutions,
                rate,
                sigmaData);
    }

    /** Width of the noise embedding after the mapping MLP. */
    public int embChannels() {
        return modelChannels * channelMultEmb;
    }

    /** Resolution (px) of each level, level 0 first. */
    public List<Integer> resolutions() {
        return levelResolutions(imgResolution, channelMult.size());
    }

    public NetworkConfig toAvro() {
        return NetworkConfig.newBuilder()
                .setImgResolution(imgResolution)
                .setInChannels(inChannels)
                .setOutChannels(outChannels)
                .setModelChannels(modelChannels)
                .setChannelMult(new ArrayList<>(channelMult))
                .setChannelMultEmb(channelMultEmb)
                .setNumBlocks(numBlocks)
                .setAttnResolutions(new ArrayList<>(attnResolutions))
                .setDropout(dropout)
                .setSigmaData(sigmaData)
                .build();
    }

    /** @throws IllegalArgumentException when the Avro record describes an impossible network */
    public static NetworkSpec fromAvro(NetworkConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("network config is required");
        }
        return new NetworkSpec(
                config.getImgResolution(),
                config.getInChannels(),
                config.getOutChannels(),
                config.getModelChannels(),
                config.getChannelMult(),
                config.getChannelMultEmb(),
                config.getNumBlocks(),
                config.getAttnResolutions(),
                config.getDropout(),
                config.getSigmaData());
    }

    private static List<Integer> levelResolutions(int imgResolution, int levels) {
        List<Integer> resolutions = new ArrayList<>(levels);
        for (int level = 0; level < levels; level++) {
            resolutions.add(imgResolution >> level);
        }
        return resolutions;
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    private static int required(Integer value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("network config is missing " + name);
        }
        return value;
    }

    private static <T> T require(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("network config is missing " + name);
        }
        return value;
    }
}
