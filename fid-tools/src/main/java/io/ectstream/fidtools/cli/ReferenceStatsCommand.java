package io.ectstream.fidtools.cli;

import io.ectstream.core.data.ImageDataset;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.fidtools.reference.ReferenceStatsPublisher;
import io.ectstream.platform.kafka.KafkaOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream reference-stats}: feature statistics of the training set into a file, and onto a compacted topic. */
@Command(
        name = "reference-stats",
        mixinStandardHelpOptions = true,
        description = "Computes the mean, covariance and n of the training images' features, writes them to a file"
                + " and (with --bootstrap-servers) publishes them to a compacted topic.")
public class ReferenceStatsCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions dataset;

    @Option(
            names = "--extractor",
            required = true,
            description = "feature-net:FILE, torchscript:FILE or random-projection:D[:SEED].")
    String extractor;

    @Option(names = "--out", required = true, description = "Statistics file to write.")
    Path out;

    @Mixin
    KafkaOptions kafka;

    @Option(
            names = "--topic",
            defaultValue = ReferenceStatsPublisher.DEFAULT_TOPIC,
            description = "Compacted topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--batch-size",
            defaultValue = "256",
            description = "Images per feature batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ImageDataset images = dataset.open();
        ReferenceStatistics stats;
        try (FeatureExtractor featureExtractor = ExtractorSpec.open(extractor, images.shape())) {
            stats = ReferenceStatsBuilder.compute(images, featureExtractor, batchSize);
        }
        stats.write(out);
        if (kafka.given()) {
            ReferenceStatsPublisher.publish(kafka.settings(), topic, stats, EvaluatorConfig.DEFAULT_MAX_MESSAGE_BYTES);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "%s  n=%d d=%d extractor=%s -> %s%n",
                        stats.id(), stats.statistics().count(), stats.dimension(), stats.extractorId(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
