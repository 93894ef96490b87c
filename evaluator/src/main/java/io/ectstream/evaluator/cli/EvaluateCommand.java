package io.ectstream.evaluator.cli;

import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.stream.EvaluatorApp;
import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.evaluator.stream.FidTopology;
import io.ectstream.evaluator.stream.ReportSchedule;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.platform.ops.OpsOptions;
import io.ectstream.platform.ops.ServiceLifecycle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ectstream evaluate}: runs the evaluator's Kafka Streams application until interrupted. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Scores generated images continuously: FID per (model version, sampler, steps, purpose),"
                + " every K samples over all samples and over a rolling window of the last W; each (request id, chunk)"
                + " of a group is counted once, however often it is delivered.")
public class EvaluateCommand implements Callable<Integer> {
    private static final Topics TOPICS = Topics.defaults();

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecordFormatOptions records;

    @Mixin
    OpsOptions ops;

    @Option(
            names = "--application-id",
            defaultValue = EvaluatorConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id; use a new one for a new extractor (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--results-topic", description = "Default: ${DEFAULT-VALUE}.")
    String resultsTopic = TOPICS.results();

    @Option(
            names = "--checkpoints-topic",
            description = "Read for the imagesSeen of each report; 'none' to skip. Default: ${DEFAULT-VALUE}.")
    String checkpointsTopic = TOPICS.checkpoints();

    @Option(names = "--fid-topic", description = "Default: ${DEFAULT-VALUE}.")
    String fidTopic = TOPICS.fid();

    @Option(names = "--errors-topic", description = "Default: ${DEFAULT-VALUE}.")
    String errorsTopic = TOPICS.errors();

    @Option(
            names = "--report-every",
            defaultValue = "" + ReportSchedule.DEFAULT_REPORT_EVERY,
            description = "K: samples between reports (default ${DEFAULT-VALUE}).")
    long reportEvery;

    @Option(
            names = "--window",
            defaultValue = "" + ReportSchedule.DEFAULT_WINDOW_SAMPLES,
            description =
                    "W: samples in the rolling window, a multiple of K; 0 = no rolling report (default ${DEFAULT-VALUE}).")
    long window;

    @Option(
            names = "--extractor",
            required = true,
            description = "feature-net:FILE, torchscript:FILE or random-projection:D[:SEED].")
    String extractor;

    @Option(
            names = "--image-shape",
            description = "CxHxW of the images, for torchscript and random-projection extractors.")
    String imageShape;

    @Option(
            names = "--reference-stats",
            required = true,
            description = "Reference statistics file (ectstream reference-stats).")
    Path referenceStats;

    @Option(
            names = "--state-dir",
            defaultValue = EvaluatorConfig.DEFAULT_STATE_DIR,
            description = "Default ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(
            names = "--batch-size",
            defaultValue = "" + EvaluatorConfig.DEFAULT_FEATURE_BATCH_SIZE,
            description = "Images per feature batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--max-message-bytes",
            defaultValue = "" + EvaluatorConfig.DEFAULT_MAX_MESSAGE_BYTES,
            description = "Largest internal record (moment blocks: ~17 MB at d = 2048) (default ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(
            names = "--topic-check",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Check at start that the topics it needs exist and name the missing ones (default ${DEFAULT-VALUE}).")
    boolean topicCheck;

    /** The topics of the flags; {@code --checkpoints-topic none}: no checkpoints. */
    Topics topics() {
        Topics named = Topics.defaults()
                .with(TopicRole.RESULTS, resultsTopic)
                .with(TopicRole.FID, fidTopic)
                .with(TopicRole.ERRORS, errorsTopic);
        return "none".equals(checkpointsTopic)
                ? named.without(TopicRole.CHECKPOINTS)
                : named.with(TopicRole.CHECKPOINTS, checkpointsTopic);
    }

    EvaluatorConfig config() {
        return new EvaluatorConfig(
                kafka.settings(),
                applicationId,
                topics(),
                new ReportSchedule(reportEvery, window),
                batchSize,
                new EvaluatorConfig.Streams(stateDir, maxMessageBytes, Map.of()),
                records.recordFormat());
    }

    @Override
    public Integer call() throws Exception {
        EvaluatorConfig config = config();
        ReferenceStatistics reference = ReferenceStatistics.read(referenceStats);
        ImageShape shape = imageShape == null ? null : ExtractorSpec.parseShape(imageShape);
        try (FeatureExtractor featureExtractor = ExtractorSpec.open(extractor, shape)) {
            if (EvaluatorConfig.momentsBytes(featureExtractor.dimension()) > maxMessageBytes) {
                throw new IllegalArgumentException("moments of " + featureExtractor.dimension() + " features take "
                        + EvaluatorConfig.momentsBytes(featureExtractor.dimension())
                        + " bytes: raise --max-message-bytes");
            }
            FidTopology.checkCompatible(featureExtractor, reference);
            if (topicCheck) {
                try (KafkaTopics topics = new KafkaTopics(kafka.settings(), Duration.ofSeconds(30))) {
                    topics.check("evaluator", ServiceAccess.EVALUATOR, config.topics());
                }
            }
            try (ServiceLifecycle life =
                            ops.lifecycle("evaluator").withShutdownHook().watchKafka(kafka.settings());
                    EvaluatorApp app = EvaluatorApp.start(config, featureExtractor, reference)) {
                app.bindMetrics(life.metrics());
                life.readyWhen(app::ready);
                life.awaitShutdownRequest();
                app.close(life.drainTimeout());
            }
        }
        return 0;
    }
}
