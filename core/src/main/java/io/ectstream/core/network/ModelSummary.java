package io.ectstream.core.network;

import io.ectstream.core.config.NetworkSpec;
import java.util.List;
import java.util.Locale;

/** The text that `model-info` prints: the configuration, one line per parameter tensor, the total. */
public final class ModelSummary {
    private ModelSummary() {}

    public static String format(SongUNet net) {
        NetworkSpec spec = net.spec();
        List<SongUNet.LayerRow> rows = net.layerTable();
        int nameWidth = rows.stream().mapToInt(r -> r.name().length()).max().orElse(4);
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "SongUNet (DDPM++): %dx%d px, %d -> %d channels, model channels %d, mult %s,"
                        + " %d blocks/level, attention at %s, emb %d, dropout %s%n",
                spec.imgResolution(),
                spec.imgResolution(),
                spec.inChannels(),
                spec.outChannels(),
                spec.modelChannels(),
                spec.channelMult(),
                spec.numBlocks(),
                spec.attnResolutions(),
                spec.embChannels(),
                spec.dropout()));
        String rowFormat = "%-" + nameWidth + "s  %-18s %,12d%n";
        out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %-18s %12s%n", "name", "shape", "count"));
        for (SongUNet.LayerRow row : rows) {
            out.append(String.format(Locale.ROOT, rowFormat, row.name(), row.shape(), row.count()));
        }
        out.append(String.format(Locale.ROOT, "%d tensors, %,d parameters%n", rows.size(), net.parameterCount()));
        return out.toString();
    }
}
