package io.ectstream.trainer.config;

import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.data.DatasetKind;
import io.ectstream.core.data.DatasetSpec;
import io.ectstream.core.data.Fit;
import io.ectstream.core.data.Split;
import java.nio.file.Path;

/**
 * Where the training images come from; resolution and channels follow the network.
 * @param path null: the default place for the kind
 */
public record DataConfig(String kind, String path, String split, String fit) {
    public DataConfig {
        DatasetKind.parse(kind);
        Split.parse(split);
        Fit.parse(fit);
    }

    public DatasetSpec toSpec(NetworkSpec network) {
        return new DatasetSpec(
                DatasetKind.parse(kind),
                path == null ? null : Path.of(path),
                Split.parse(split),
                network.imgResolution(),
                network.inChannels(),
                Fit.parse(fit));
    }
}
