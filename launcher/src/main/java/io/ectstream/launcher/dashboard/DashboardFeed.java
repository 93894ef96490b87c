package io.ectstream.launcher.dashboard;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.PollLoop;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrainingProgress;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the platform's topics from the beginning into {@link DashboardState}. It uses no consumer group
 * offsets of its own (a fresh group each start, never committed), so it never steals work from a service.
 */
final class DashboardFeed implements PollLoop.Handler<byte[], byte[]>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardFeed.class);

    private final DashboardState state;
    private final Topics topics;
    private final PollLoop<byte[], byte[]> loop;
    private final AvroCodec<TrainingProgress> progress = new AvroCodec<>(TrainingProgress.class);
    private final AvroCodec<CheckpointEvent> checkpoints = new AvroCodec<>(CheckpointEvent.class);
    private final AvroCodec<FidReport> reports = new AvroCodec<>(FidReport.class);
    private final AvroCodec<GenerationResult> results = new AvroCodec<>(GenerationResult.class);
    private final AvroCodec<GenerationError> errors = new AvroCodec<>(GenerationError.class);

    DashboardFeed(KafkaClientSettings settings, Topics topics, DashboardState state) {
        Map<String, Object> config = new HashMap<>();
        config.put(
                ConsumerConfig.GROUP_ID_CONFIG,
                ServiceAccess.DASHBOARD.groupPrefixes().get(0) + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.state = state;
        this.topics = topics;
        this.loop = PollLoop.over(
                        KafkaClients.consumer(
                                settings, config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                        this)
                .name("dashboard-feed")
                .subscribe(ServiceAccess.DASHBOARD.topics(topics).names().values())
                .build();
    }

    void start() {
        loop.start();
    }

    @Override
    public void handle(PollLoop.Batch<byte[], byte[]> batch) {
        for (ConsumerRecord<byte[], byte[]> record : batch.records()) {
            apply(record);
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            String topic = record.topic();
            if (topic.equals(topics.progress())) {
                state.progress(progress.decode(record.value()));
            } else if (topic.equals(topics.checkpoints())) {
                state.checkpoint(checkpoints.decode(record.value()));
            } else if (topic.equals(topics.fid())) {
                state.fid(reports.decode(record.value()));
            } else if (topic.equals(topics.results())) {
                state.result(results.decode(record.value()), System.currentTimeMillis());
            } else if (topic.equals(topics.errors())) {
                state.error(errors.decode(record.value()));
            }
        } catch (RecordDecodingException | IllegalArgumentException e) {
            state.undecodable();
            log.warn(
                    "dashboard skipped record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
