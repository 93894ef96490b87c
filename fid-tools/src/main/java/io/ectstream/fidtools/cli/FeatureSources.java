package io.ectstream.fidtools.cli;

import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.fidtools.io.ImageFolder;
import io.ectstream.fidtools.io.NpyArray;
import io.ectstream.fidtools.io.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Feature statistics from what a user points at: a .npy feature file [n, d], a reference stats file, or an image folder. */
final class FeatureSources {
    private FeatureSources() {}

    static GaussianStatistics statistics(Path path, String extractorSpec, ImageShape shape, int batchSize)
            throws IOException {
        String name = path.getFileName().toString().toLowerCase();
        if (Files.isRegularFile(path) && name.endsWith(".npy")) {
            NpyArray array = NpyReader.read(path);
            Moments moments = new Moments(array.columns());
            for (int r = 0; r < array.rows(); r++) {
                moments.add(array.row(r));
            }
            return GaussianStatistics.of(moments);
        }
        if (Files.isRegularFile(path)) {
            return ReferenceStatistics.read(path).statistics();
        }
        ImageDataset images = ImageFolder.read(path);
        if (extractorSpec == null) {
            throw new IllegalArgumentException(path + " is an image folder: give --extractor");
        }
        try (FeatureExtractor extractor = ExtractorSpec.open(extractorSpec, shape != null ? shape : images.shape())) {
            return GaussianStatistics.of(ReferenceStatsBuilder.moments(images, extractor, batchSize));
        }
    }
}
