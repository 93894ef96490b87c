package io.ectstream.evaluator.stream;

import io.ectstream.platform.kafka.KafkaClientSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the evaluator's Streams application is configured with, built once at the edge (CLI).
 * {@code maxMessageBytes} bounds the largest record: a moments block of d features takes
 * 8 (d + d(d+1)/2) bytes (about 17 MB at d = 2048), above Kafka's 1 MB default, so the internal
 * topics (changelog, repartition) and the producer are configured for it. {@code checkpointsTopic} may be
 * null: reports then carry no imagesSeen. {@code kafkaClientProperties} (security, SASL, TLS, tuning; see
 * KafkaClientSettings) are the base of the Streams properties; the evaluator's own settings and then
 * {@code streamsOverrides} go on top, and bootstrap.servers is always {@code bootstrapServers}.
 */
public record EvaluatorConfig(
    String bootstrapServers,
    String applicationId,
    String resultsTopic,
    String checkpointsTopic,
    String fidTopic,
    String errorsTopic,
    ReportSchedule schedule,
    int featureBatchSize,
    Path stateDir,
    int maxMessageBytes,
    Map<String, String> streamsOverrides,
    Map<String, String> kafkaClientProperties) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    public EvaluatorConfig {
        if (featureBatchSize < 1) {
            throw new IllegalArgumentException("feature batch size must be positive, got " + featureBatchSize);
        }
        if (maxMessageBytes < 1024 * 1024) {
            throw new IllegalArgumentException("max message bytes below 1 MiB: " + maxMessageBytes);
        }
        streamsOverrides = Map.copyOf(streamsOverrides);
        kafkaClientProperties = Map.copyOf(kafkaClientProperties == null ? Map.of() : kafkaClientProperties);
    }

    /** A configuration whose Streams clients get only the bootstrap servers. */
    public EvaluatorConfig(String bootstrapServers, String applicationId, String resultsTopic, String checkpointsTopic,
                           String fidTopic, String errorsTopic, ReportSchedule schedule, int featureBatchSize,
                           Path stateDir, int maxMessageBytes, Map<String, String> streamsOverrides) {
        this(bootstrapServers, applicationId, resultsTopic, checkpointsTopic, fidTopic, errorsTopic, schedule,
            featureBatchSize, stateDir, maxMessageBytes, streamsOverrides, Map.of());
    }

    /** These settings with every client starting from {@code settings} (its bootstrap servers included). */
    public EvaluatorConfig withKafkaClientSettings(KafkaClientSettings settings) {
        return new EvaluatorConfig(settings.bootstrapServers(), applicationId, resultsTopic, checkpointsTopic, fidTopic,
            errorsTopic, schedule, featureBatchSize, stateDir, maxMessageBytes, streamsOverrides, settings.properties());
    }

    /** Record size needed by one moments block of dimension d, with room for the header. */
    public static long momentsBytes(int dimension) {
        return 8L * (dimension + (long) dimension * (dimension + 1) / 2) + 64;
    }
}
