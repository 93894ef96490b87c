package io.ectstream.evaluator.cli;

import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.stream.EvaluatorApp;
import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.evaluator.stream.FidTopology;
import io.ectstream.evaluator.stream.ReportSchedule;
import io.ectstream.schemas.topics.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ectstream evaluate}: runs the evaluator's Kafka Streams application until interrupted. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Scores generated images continuously: FID per (model version, sampler, steps, purpose),"
        + " every K samples over all samples and over a rolling window of the last W; each (request id, chunk)"
        + " of a group is counted once, however often it is delivered.")
public class EvaluateCommand implements Callable<Integer> {
    private static final TopicNames TOPICS = TopicNames.defaults();

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--application-id", defaultValue = "ect-evaluator",
        description = "Kafka Streams application id; use a new one for a new extractor (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--results-topic", description = "Default: ect.generate.results.")
    String resultsTopic = TOPICS.generateResults();

    @Option(names = "--checkpoints-topic", description = "Read for the imagesSeen of each report; 'none' to skip. Default: ect.checkpoints.")
    String checkpointsTopic = TOPICS.checkpoints();

    @Option(names = "--fid-topic", description = "Default: ect.eval.fid.")
    String fidTopic = TOPICS.evalFid();

    @Option(names = "--errors-topic", description = "Default: ect.generate.errors.")
    String errorsTopic = TOPICS.generateErrors();

    @Option(names = "--report-every", defaultValue = "1000", description = "K: samples between reports (default ${DEFAULT-VALUE}).")
    long reportEvery;

    @Option(names = "--window", defaultValue = "5000",
        description = "W: samples in the rolling window, a multiple of K; 0 = no rolling report (default ${DEFAULT-VALUE}).")
    long window;

    @Option(names = "--extractor", required = true, description = "feature-net:FILE, torchscript:FILE or random-projection:D[:SEED].")
    String extractor;

    @Option(names = "--image-shape", description = "CxHxW of the images, for torchscript and random-projection extractors.")
    String imageShape;

    @Option(names = "--reference-stats", required = true, description = "Reference statistics file (ectstream reference-stats).")
    Path referenceStats;

    @Option(names = "--state-dir", defaultValue = "state/evaluator", description = "Default ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per feature batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-message-bytes", defaultValue = "67108864",
        description = "Largest internal record (moment blocks: ~17 MB at d = 2048) (default ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(names = "--topic-check", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Check at start that the topics it needs exist and name the missing ones (default ${DEFAULT-VALUE}).")
    boolean topicCheck;

    @Override
    public Integer call() throws Exception {
        EvaluatorConfig config = new EvaluatorConfig(kafka.bootstrapServers(), applicationId, resultsTopic,
            "none".equals(checkpointsTopic) ? null : checkpointsTopic, fidTopic, errorsTopic,
            new ReportSchedule(reportEvery, window), batchSize, stateDir, maxMessageBytes, Map.of())
            .withKafkaClientSettings(kafka.settings());
        ReferenceStatistics reference = ReferenceStatistics.read(referenceStats);
        ImageShape shape = imageShape == null ? null : ExtractorSpec.parseShape(imageShape);
        try (FeatureExtractor featureExtractor = ExtractorSpec.open(extractor, shape)) {
            if (EvaluatorConfig.momentsBytes(featureExtractor.dimension()) > maxMessageBytes) {
                throw new IllegalArgumentException("moments of " + featureExtractor.dimension() + " features take "
                    + EvaluatorConfig.momentsBytes(featureExtractor.dimension()) + " bytes: raise --max-message-bytes");
            }
            FidTopology.checkCompatible(featureExtractor, reference);
            if (topicCheck) {
                List<String> needed = new ArrayList<>(List.of(config.resultsTopic(), config.fidTopic(), config.errorsTopic()));
                if (config.checkpointsTopic() != null) {
                    needed.add(config.checkpointsTopic());
                }
                try (KafkaTopics topics = new KafkaTopics(kafka.settings(), Duration.ofSeconds(30))) {
                    topics.require("evaluator", needed);
                    topics.warnOnDrift("evaluator", definitions(config));
                }
            }
            CountDownLatch stopRequested = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested.countDown();
                try {
                    closed.await(40, TimeUnit.SECONDS); // let the application commit and leave the group
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "evaluator-shutdown"));
            try (EvaluatorApp app = EvaluatorApp.start(config, featureExtractor, reference)) {
                stopRequested.await();
            } finally {
                closed.countDown();
            }
        }
        return 0;
    }

    /** The definitions of the topics the evaluator uses, under the names it was given. */
    private static TopicLayout definitions(EvaluatorConfig config) {
        TopicNames d = TopicNames.defaults();
        TopicNames names = new TopicNames(config.checkpointsTopic() == null ? d.checkpoints() : config.checkpointsTopic(),
            d.trainProgress(), d.generateRequests(), config.resultsTopic(), config.errorsTopic(), config.fidTopic());
        List<TopicRole> used = new ArrayList<>(List.of(TopicRole.RESULTS, TopicRole.FID, TopicRole.ERRORS));
        if (config.checkpointsTopic() != null) {
            used.add(TopicRole.CHECKPOINTS);
        }
        return TopicLayout.defaults(names).only(used);
    }
}
