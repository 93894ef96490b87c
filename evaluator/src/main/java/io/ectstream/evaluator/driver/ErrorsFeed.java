package io.ectstream.evaluator.driver;

import io.ectstream.platform.kafka.PollLoop;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The errors topic, read without a group from its end at start: every error goes to the {@link DriverState}, and
 * after each poll the requests whose retry is due are re-sent.
 */
final class ErrorsFeed implements PollLoop.Handler<String, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final DriverConfig config;
    private final DriverState state;
    private final KafkaOutbox outbox;
    private final Clock clock;
    private final Deserializer<GenerationError> errors;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    ErrorsFeed(DriverConfig config, DriverState state, KafkaOutbox outbox, Clock clock) {
        this.config = config;
        this.state = state;
        this.outbox = outbox;
        this.clock = clock;
        this.errors = config.records().serde(GenerationError.class).deserializer();
    }

    /**
     * Completes once the feed's start on the errors topic is fixed, or the topic was found missing: requests sent after
     * that have their rejections read.
     */
    CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
        log.info("evaluation driver watches {} for rejections of its requests", config.errorsTopic());
        ready.complete(null);
    }

    @Override
    public boolean retrying(RuntimeException cause, Duration delay) {
        log.warn(
                "errors topic {} cannot be read yet ({}): requests the sampler rejects are not re-sent",
                config.errorsTopic(),
                cause.getMessage());
        ready.complete(null);
        return true;
    }

    @Override
    public void handle(PollLoop.Batch<String, byte[]> batch) {
        long now = clock.millis();
        for (ConsumerRecord<String, byte[]> record : batch.records()) {
            GenerationError error;
            try {
                error = errors.deserialize(record.topic(), record.value());
            } catch (RecordDecodingException e) {
                state.undecodableError(); // not ours to judge; the errors topic is shared
                continue;
            }
            state.error(error, now);
        }
        resendDue();
    }

    /** Re-sends the requests whose retry is due, written before the errors that name these copies can be read. */
    void resendDue() {
        if (state.resendDue(clock.millis()) > 0) {
            outbox.flush();
        }
    }

    @Override
    public void stopped() {
        ready.complete(null);
    }
}
