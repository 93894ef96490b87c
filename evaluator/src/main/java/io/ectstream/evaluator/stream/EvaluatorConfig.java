package io.ectstream.evaluator.stream;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.serde.RecordFormat;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the evaluator's Streams application is configured with, built once at the edge (CLI); each part
 * validates itself and holds its own defaults.
 *
 * @param client           the base of the Streams properties (bootstrap servers, security, SASL, TLS, tuning; see
 *                         {@link KafkaClientSettings}); the evaluator's own settings and then
 *                         {@link Streams#overrides()} go on top
 * @param applicationId    Kafka Streams application id; a new extractor needs a new one
 * @param topics           what it reads and writes: results, FID reports, errors and, unless it holds none,
 *                         checkpoints (read for the imagesSeen of each report); the roles
 *                         {@link ServiceAccess#EVALUATOR} declares
 * @param schedule         when reports are made and what the rolling window holds
 * @param featureBatchSize images per feature-extractor batch
 * @param streams          state directory, record size bound and explicit Streams overrides
 * @param records          the deployment's wire format of the records it reads and writes (not of its internal topics,
 *                         which only it reads: those stay single-object)
 */
public record EvaluatorConfig(
        KafkaClientSettings client,
        String applicationId,
        Topics topics,
        ReportSchedule schedule,
        int featureBatchSize,
        Streams streams,
        RecordFormat records) {

    public static final String DEFAULT_APPLICATION_ID = "ect-evaluator";
    public static final int DEFAULT_FEATURE_BATCH_SIZE = 64;
    /**
     * Bounds the largest record: a moments block of d features takes 8 (d + d(d+1)/2) bytes (about 17 MB at d = 2048),
     * above Kafka's 1 MB default, so the internal topics (changelog, repartition) and the producer are configured for it.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    public static final String DEFAULT_STATE_DIR = "state/evaluator";

    public EvaluatorConfig {
        if (client == null || topics == null || schedule == null || streams == null) {
            throw new IllegalArgumentException("client settings, topics, schedule and Streams settings are required");
        }
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("an application id is required");
        }
        if (featureBatchSize < 1) {
            throw new IllegalArgumentException("feature batch size must be positive, got " + featureBatchSize);
        }
        if (records == null) {
            throw new IllegalArgumentException("a record format is required");
        }
        topics = ServiceAccess.EVALUATOR.topics(topics, topics.roles());
    }

    /** Records in single-object encoding, the default wire format. */
    public EvaluatorConfig(
            KafkaClientSettings client,
            String applicationId,
            Topics topics,
            ReportSchedule schedule,
            int featureBatchSize,
            Streams streams) {
        this(client, applicationId, topics, schedule, featureBatchSize, streams, RecordFormat.SINGLE_OBJECT);
    }

    /** What {@code evaluate} runs with unless told otherwise. */
    public static EvaluatorConfig defaults(KafkaClientSettings client) {
        return new EvaluatorConfig(
                client,
                DEFAULT_APPLICATION_ID,
                Topics.defaults(),
                ReportSchedule.defaults(),
                DEFAULT_FEATURE_BATCH_SIZE,
                Streams.defaults());
    }

    /** These settings with every client starting from {@code settings} (its bootstrap servers included). */
    public EvaluatorConfig withClient(KafkaClientSettings settings) {
        return new EvaluatorConfig(settings, applicationId, topics, schedule, featureBatchSize, streams, records);
    }

    public EvaluatorConfig withTopics(Topics newTopics) {
        return new EvaluatorConfig(client, applicationId, newTopics, schedule, featureBatchSize, streams, records);
    }

    public EvaluatorConfig withStreams(Streams newStreams) {
        return new EvaluatorConfig(client, applicationId, topics, schedule, featureBatchSize, newStreams, records);
    }

    /** Records framed as {@code format} says. */
    public EvaluatorConfig withRecords(RecordFormat format) {
        return new EvaluatorConfig(client, applicationId, topics, schedule, featureBatchSize, streams, format);
    }

    /** Record size needed by one moments block of dimension d, with room for the header. */
    public static long momentsBytes(int dimension) {
        return 8L * (dimension + (long) dimension * (dimension + 1) / 2) + 64;
    }

    /**
     * @param stateDir        Kafka Streams state directory
     * @param maxMessageBytes the largest record (see {@link #DEFAULT_MAX_MESSAGE_BYTES}), at least 1 MiB
     * @param overrides       Streams properties put on top of everything else
     */
    public record Streams(Path stateDir, int maxMessageBytes, Map<String, String> overrides) {
        public Streams {
            if (stateDir == null) {
                throw new IllegalArgumentException("a state directory is required");
            }
            if (maxMessageBytes < 1024 * 1024) {
                throw new IllegalArgumentException("max message bytes below 1 MiB: " + maxMessageBytes);
            }
            overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
        }

        public static Streams defaults() {
            return new Streams(Path.of(DEFAULT_STATE_DIR), DEFAULT_MAX_MESSAGE_BYTES, Map.of());
        }

        public Streams withOverrides(Map<String, String> newOverrides) {
            return new Streams(stateDir, maxMessageBytes, newOverrides);
        }
    }
}
