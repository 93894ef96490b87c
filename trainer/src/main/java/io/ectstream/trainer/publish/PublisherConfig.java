package io.ectstream.trainer.publish;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.serde.RecordFormat;
import java.time.Duration;
import java.util.Objects;

/**
 * How the trainer reaches Kafka.
 *
 * @param client            what every client of the publisher starts from (bootstrap servers, security, client.id,
 *                          ...); it overrides the publisher's defaults except acks and enable.idempotence, which stay
 *                          all and true
 * @param topics            the topics {@link ServiceAccess#TRAINER} declares: checkpoints and progress
 * @param queueBound        events that may wait while the broker is away (progress records are dropped first)
 * @param outageWarningAfter how long the broker may stay silent with events waiting before one warning is logged
 * @param closeTimeout      how long {@code close()} waits for waiting events to be delivered
 * @param records           the deployment's wire format of the events (single-object unless --wire-format says)
 */
public record PublisherConfig(
        KafkaClientSettings client,
        Topics topics,
        int queueBound,
        Duration outageWarningAfter,
        Duration closeTimeout,
        RecordFormat records) {

    public static final int DEFAULT_QUEUE_BOUND = 10_000;

    public PublisherConfig {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(topics, "topics");
        topics = ServiceAccess.TRAINER.topics(topics);
        if (queueBound < 1) {
            throw new IllegalArgumentException("queueBound must be positive, not " + queueBound);
        }
        Objects.requireNonNull(outageWarningAfter, "outageWarningAfter");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(records, "records");
    }

    /** Events in single-object encoding, the default wire format. */
    public PublisherConfig(
            KafkaClientSettings client,
            Topics topics,
            int queueBound,
            Duration outageWarningAfter,
            Duration closeTimeout) {
        this(client, topics, queueBound, outageWarningAfter, closeTimeout, RecordFormat.SINGLE_OBJECT);
    }

    /** Only the bootstrap servers (tests, the demo's embedded broker); otherwise as {@link #of(KafkaClientSettings)}. */
    public static PublisherConfig of(String bootstrapServers) {
        return of(KafkaClientSettings.of(bootstrapServers));
    }

    /** Default topics, a queue of 10,000 events, a warning after 5 s of silence, 30 s to flush on close. */
    public static PublisherConfig of(KafkaClientSettings settings) {
        return new PublisherConfig(
                settings, Topics.defaults(), DEFAULT_QUEUE_BOUND, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    public String bootstrapServers() {
        return client.bootstrapServers();
    }

    /** These settings with every client starting from {@code settings} (its bootstrap servers included). */
    public PublisherConfig withKafkaClientSettings(KafkaClientSettings settings) {
        return new PublisherConfig(settings, topics, queueBound, outageWarningAfter, closeTimeout, records);
    }

    public PublisherConfig withTopics(Topics newTopics) {
        return new PublisherConfig(client, newTopics, queueBound, outageWarningAfter, closeTimeout, records);
    }

    public PublisherConfig withQueueBound(int bound) {
        return new PublisherConfig(client, topics, bound, outageWarningAfter, closeTimeout, records);
    }

    public PublisherConfig withOutageWarningAfter(Duration after) {
        return new PublisherConfig(client, topics, queueBound, after, closeTimeout, records);
    }

    public PublisherConfig withCloseTimeout(Duration timeout) {
        return new PublisherConfig(client, topics, queueBound, outageWarningAfter, timeout, records);
    }

    /** Events framed as {@code format} says. */
    public PublisherConfig withRecords(RecordFormat format) {
        return new PublisherConfig(client, topics, queueBound, outageWarningAfter, closeTimeout, format);
    }
}
