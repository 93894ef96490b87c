package io.ectstream.launcher.demo;

import io.ectstream.core.data.ImageDataset;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.features.FeatureNetConfig;
import io.ectstream.evaluator.features.LabeledImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.fidtools.features.FeatureNetTrainer;
import io.ectstream.fidtools.features.FeatureNetTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's feature network and reference statistics for a dataset, made once and kept in a cache
 * folder: later demos start at once.
 */
final class EvaluatorAssets {
    private static final Logger log = LoggerFactory.getLogger(EvaluatorAssets.class);

    final Path featureNet;
    final ReferenceStatistics reference;

    private EvaluatorAssets(Path featureNet, ReferenceStatistics reference) {
        this.featureNet = featureNet;
        this.reference = reference;
    }

    /** Files made beforehand (the evaluator refuses statistics of another feature network when it starts). */
    static EvaluatorAssets shipped(Path featureNet, Path referenceStats) throws Exception {
        return new EvaluatorAssets(featureNet, ReferenceStatistics.read(referenceStats));
    }

    static EvaluatorAssets prepare(Path cacheDir, LabeledImages labeled, ImageDataset reference) throws Exception {
        Files.createDirectories(cacheDir);
        Path net = cacheDir.resolve(fileSafe(labeled.images().name()) + ".feature-net");
        if (!Files.exists(net)) {
            log.info(
                    "training the evaluator's feature network on {} ({} images, a minute or two on 2 cores)",
                    labeled.images().name(),
                    labeled.images().size());
            FeatureNetConfig config = FeatureNetConfig.small(labeled.images().shape(), labeled.classes());
            var result = FeatureNetTrainer.train(labeled, config, FeatureNetTraining.defaults(), net);
            log.info(
                    "feature network {} held-out accuracy {}",
                    result.file(),
                    String.format("%.3f", result.heldOutAccuracy()));
        }
        ReferenceStatistics stats;
        try (FeatureExtractor extractor = ExtractorSpec.open("feature-net:" + net, reference.shape())) {
            Path statsFile =
                    cacheDir.resolve(fileSafe(reference.name()) + "." + fileSafe(extractor.id()) + ".reference-stats");
            if (Files.exists(statsFile)) {
                stats = ReferenceStatistics.read(statsFile);
            } else {
                stats = ReferenceStatsBuilder.compute(reference, extractor, 64);
                stats.write(statsFile);
                log.info(
                        "reference statistics {} over {} images",
                        stats.id(),
                        stats.statistics().count());
            }
        }
        return new EvaluatorAssets(net, stats);
    }

    private static String fileSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
