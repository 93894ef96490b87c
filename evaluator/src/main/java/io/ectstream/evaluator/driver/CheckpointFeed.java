package io.ectstream.evaluator.driver;

import io.ectstream.platform.kafka.PollLoop;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's checkpoints, read in its consumer group: the events up to the end offsets at assignment are gathered
 * first and handed to the {@link DriverState} together; after that each poll's events. The positions are committed,
 * with the group's {@link EvaluationKey}, once the requests are written.
 */
final class CheckpointFeed implements PollLoop.Handler<String, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final DriverConfig config;
    private final DriverState state;
    private final KafkaOutbox outbox;
    private final Clock clock;
    private final Deserializer<CheckpointEvent> events;
    private final List<CheckpointEvent> backlog = new ArrayList<>();

    CheckpointFeed(DriverConfig config, DriverState state, KafkaOutbox outbox, Clock clock) {
        this.config = config;
        this.state = state;
        this.outbox = outbox;
        this.clock = clock;
        this.events = config.records().serde(CheckpointEvent.class).deserializer();
    }

    /** What a commit stores: the position, with the group's key in its metadata. */
    OffsetAndMetadata committedAs(TopicPartition partition, long offset) {
        return state.key().at(offset);
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
        adoptGroupKey(partitions, consumer);
        log.info("evaluation driver reads checkpoints from {}", partitions);
    }

    @Override
    public void handle(PollLoop.Batch<String, byte[]> batch) {
        for (ConsumerRecord<String, byte[]> record : batch.records()) {
            try {
                backlog.add(events.deserialize(record.topic(), record.value()));
            } catch (RecordDecodingException e) {
                log.warn(
                        "evaluation driver skipped an undecodable checkpoint event at {}-{}@{}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage());
            }
        }
        if (batch.records().isEmpty() && backlog.isEmpty() || !batch.caughtUp()) {
            return;
        }
        state.checkpoints(List.copyOf(backlog), clock.millis());
        backlog.clear();
        outbox.flush();
        batch.commit();
    }

    /**
     * Takes the group's key from its committed offsets, or makes one and commits it at the current positions before
     * any request is sent, so that every later driver of the group derives the same request ids.
     */
    private void adoptGroupKey(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        var found = EvaluationKey.fromCommitted(committed);
        if (found.isPresent()) {
            state.useKey(found.get());
            return;
        }
        EvaluationKey key = state.key();
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            start.put(tp, key.at(c != null ? c.offset() : consumer.position(tp)));
        }
        consumer.commitSync(start);
        log.info(
                "evaluation driver group {} has a new request-id key (kept with its committed offsets)",
                config.groupId());
    }
}
