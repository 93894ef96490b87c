package io.ectstream.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where datasets live when a spec names no folder.
 *
 * @param fashionMnist        the full Fashion-MNIST (Debian's dataset-fashion-mnist installs it in
 *                            /usr/share/datasets/fashion-mnist)
 * @param cifar10             the {@code cifar-10-batches-bin} folder
 * @param fashionMnistSubset  the subset shipped in the repository (data/fashion-mnist-subset), or null
 */
public record DatasetLocations(Path fashionMnist, Path cifar10, Path fashionMnistSubset) {
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    public static final Path SUBSET_IN_REPO = Path.of("data", "fashion-mnist-subset");

    /**
     * Debian's Fashion-MNIST folder, ./cifar-10-batches-bin, and the shipped subset found from
     * {@code start} upwards (the repository root or any folder below it).
     */
    public static DatasetLocations defaults(Path start) {
        return new DatasetLocations(
                DEBIAN_FASHION_MNIST,
                Path.of("cifar-10-batches-bin"),
                findUpwards(start, SUBSET_IN_REPO).orElse(null));
    }

    /** {@link #defaults(Path)} from the working directory. */
    public static DatasetLocations defaults() {
        return defaults(Path.of("").toAbsolutePath());
    }

    static Optional<Path> findUpwards(Path start, Path relative) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
