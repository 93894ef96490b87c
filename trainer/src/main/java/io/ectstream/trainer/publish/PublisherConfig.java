package io.ectstream.trainer.publish;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.schemas.serde.RecordFormat;
import io.ectstream.schemas.topics.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the trainer reaches Kafka.
 *
 * @param bootstrapServers  Kafka bootstrap servers (host:port,...)
 * @param topics            topic names; this publisher uses {@code checkpoints} and {@code trainProgress}
 * @param queueBound        events that may wait while the broker is away (progress records are dropped first)
 * @param outageWarningAfter how long the broker may stay silent with events waiting before one warning is logged
 * @param closeTimeout      how long {@code close()} waits for waiting events to be delivered
 * @param clientProperties  extra Kafka client properties (security, client.id, ...); they override the defaults
 *                          except acks and enable.idempotence, which stay all and true
 * @param records           the deployment's wire format of the events (single-object unless --wire-format says)
 */
public record PublisherConfig(
        String bootstrapServers,
        TopicNames topics,
        int queueBound,
        Duration outageWarningAfter,
        Duration closeTimeout,
        Map<String, String> clientProperties,
        RecordFormat records) {

    public static final int DEFAULT_QUEUE_BOUND = 10_000;

    public PublisherConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be empty");
        }
        Objects.requireNonNull(topics, "topics");
        if (queueBound < 1) {
            throw new IllegalArgumentException("queueBound must be positive, not " + queueBound);
        }
        Objects.requireNonNull(outageWarningAfter, "outageWarningAfter");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        Objects.requireNonNull(records, "records");
    }

    /** Events in single-object encoding, the default wire format. */
    public PublisherConfig(
            String bootstrapServers,
            TopicNames topics,
            int queueBound,
            Duration outageWarningAfter,
            Duration closeTimeout,
            Map<String, String> clientProperties) {
        this(
                bootstrapServers,
                topics,
                queueBound,
                outageWarningAfter,
                closeTimeout,
                clientProperties,
                RecordFormat.SINGLE_OBJECT);
    }

    /** Default topics, a queue of 10,000 events, a warning after 5 s of silence, 30 s to flush on close. */
    public static PublisherConfig of(String bootstrapServers) {
        return new PublisherConfig(
                bootstrapServers,
                TopicNames.defaults(),
                DEFAULT_QUEUE_BOUND,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Map.of());
    }

    /** Default queue and timeouts, every client starting from {@code settings} (bootstrap servers included). */
    public static PublisherConfig of(KafkaClientSettings settings) {
        return of(settings.bootstrapServers()).withKafkaClientSettings(settings);
    }

    /** These settings with the bootstrap servers and client properties of {@code settings}. */
    public PublisherConfig withKafkaClientSettings(KafkaClientSettings settings) {
        return new PublisherConfig(
                settings.bootstrapServers(),
                topics,
                queueBound,
                outageWarningAfter,
                closeTimeout,
                settings.properties(),
                records);
    }

    public PublisherConfig withTopics(TopicNames newTopics) {
        return new PublisherConfig(
                bootstrapServers, newTopics, queueBound, outageWarningAfter, closeTimeout, clientProperties, records);
    }

    public PublisherConfig withQueueBound(int bound) {
        return new PublisherConfig(
                bootstrapServers, topics, bound, outageWarningAfter, closeTimeout, clientProperties, records);
    }

    public PublisherConfig withOutageWarningAfter(Duration after) {
        return new PublisherConfig(
                bootstrapServers, topics, queueBound, after, closeTimeout, clientProperties, records);
    }

    public PublisherConfig withCloseTimeout(Duration timeout) {
        return new PublisherConfig(
                bootstrapServers, topics, queueBound, outageWarningAfter, timeout, clientProperties, records);
    }

    /** Events framed as {@code format} says. */
    public PublisherConfig withRecords(RecordFormat format) {
        return new PublisherConfig(
                bootstrapServers, topics, queueBound, outageWarningAfter, closeTimeout, clientProperties, format);
    }
}
