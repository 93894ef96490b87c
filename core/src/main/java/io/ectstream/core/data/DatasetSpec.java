package io.ectstream.core.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which images to load and how to shape them.
 *
 * @param kind       on-disk format
 * @param path       folder holding the files; null means the default place for the kind
 *                   (Fashion-MNIST: Debian's folder, falling back to the shipped subset)
 * @param split      train or test (ignored for a PNG folder)
 * @param resolution target height and width in pixels
 * @param channels   1 (gray) or 3 (RGB); gray sources are repeated, RGB sources converted with BT.601 luma
 * @param fit        pad (centre on black) or resize (bilinear)
 */
public record DatasetSpec(DatasetKind kind, Path path, Split split, int resolution, int channels, Fit fit) {

    public DatasetSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(fit, "fit");
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution must be positive, not " + resolution);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
        }
    }

    /** Fashion-MNIST from the default place, padded to {@code resolution}, one channel. */
    public static DatasetSpec fashionMnist(Split split, int resolution) {
        return new DatasetSpec(DatasetKind.FASHION_MNIST, null, split, resolution, 1, Fit.PAD);
    }

    public DatasetSpec withPath(Path newPath) {
        return new DatasetSpec(kind, newPath, split, resolution, channels, fit);
    }
}
