package io.ectstream.sampler.intake;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.PollLoop;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.ModelRegistry;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.records.GenerationErrors;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches ect.checkpoints on its own worker thread (loading a model blocks; it never runs on an event
 * loop). Every instance reads every checkpoint, so it uses no consumer group: it assigns all
 * partitions, reads them from the beginning up to their end offsets at start, loads only the newest
 * accepted checkpoint of each run (falling back to older events while the newer ones are rejected), and then loads each new checkpoint as it arrives. A rejected checkpoint
 * keeps the previous model and is reported as a GenerationError (CHECKPOINT_REJECTED).
 */
public final class CheckpointIntake implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckpointIntake.class);

    private final KafkaClientSettings settings;
    private final String topic;
    private final ModelRegistry registry;
    private final Consumer<GenerationError> errors;
    private final SamplerMetrics metrics;
    private final Deserializer<CheckpointEvent> codec;
    private final CheckpointIdentities identities = new CheckpointIdentities();
    private final CountDownLatch recovered = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean recoveryAnnounced =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Runnable onRecovered = () -> {};
    private volatile boolean running = true;
    private KafkaClientMetrics consumerMeters;
    private PollLoop<String, byte[]> loop;

    /** @param errors where rejected checkpoints are reported (called from the intake's thread) */
    public CheckpointIntake(
            String bootstrapServers,
            String topic,
            ModelRegistry registry,
            Consumer<GenerationError> errors,
            SamplerMetrics metrics) {
        this(KafkaClientSettings.of(bootstrapServers), topic, registry, errors, metrics, RecordFormat.SINGLE_OBJECT);
    }

    /** @param settings what the consumer starts from (bootstrap servers, security) */
    public CheckpointIntake(
            KafkaClientSettings settings,
            String topic,
            ModelRegistry registry,
            Consumer<GenerationError> errors,
            SamplerMetrics metrics,
            RecordFormat records) {
        this.codec = records.serde(CheckpointEvent.class).deserializer();
        this.settings = settings;
        this.topic = topic;
        this.registry = registry;
        this.errors = errors;
        this.metrics = metrics;
    }

    /** Starts reading; {@code onRecovered} runs once (on this intake's thread) when recovery is over, even if it failed. */
    public void start(Runnable onRecovered) {
        this.onRecovered = onRecovered;
        KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(
                settings.without(ConsumerConfig.GROUP_ID_CONFIG)
                        .withDefaults(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "ect-sampler-checkpoints")),
                Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        consumerMeters = metrics.bind(consumer);
        loop = PollLoop.over(consumer, new Feed())
                .name("ect-checkpoint-intake")
                .assignAll(topic, PollLoop.Start.BEGINNING)
                .pollTimeout(Duration.ofMillis(500))
                .start();
    }

    /** Waits until the checkpoints present at start were read and their newest per run loaded (or rejected). */
    public boolean awaitRecovery(Duration timeout) throws InterruptedException {
        return recovered.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * The loop's handler: collects the events up to the end offsets of the start, recovers from them, then loads
     * each new one.
     */
    private final class Feed implements PollLoop.Handler<String, byte[]> {
        private final List<ConsumerRecord<String, byte[]>> backlog = new ArrayList<>();
        private final Map<ConsumerRecord<String, byte[]>, CheckpointEvent> backlogEvents = new HashMap<>();
        private boolean recovering = true;

        @Override
        public void handle(PollLoop.Batch<String, byte[]> batch) {
            for (ConsumerRecord<String, byte[]> record : batch.records()) {
                CheckpointEvent event = decode(record);
                if (event == null || !identified(event, record)) {
                    continue;
                }
                if (recovering) {
                    backlog.add(record);
                    backlogEvents.put(record, event);
                } else {
                    load(event, record);
                }
            }
            if (recovering && batch.caughtUp()) {
                recovering = false;
                recover(backlog, backlogEvents);
                backlog.clear();
                backlogEvents.clear();
                announceRecovery();
            }
        }

        @Override
        public boolean retrying(RuntimeException cause, Duration delay) {
            // Not fatal: the topic may be created, or the ACLs granted, later. The service keeps serving the models
            // it has, and does not wait for a recovery that cannot happen yet.
            boolean logged = true;
            if (cause instanceof AuthorizationException) {
                log.error(
                        "Kafka refuses the checkpoint intake ({}): its user needs DESCRIBE and READ on topic {};"
                                + " retrying in {} ms",
                        cause.getMessage(),
                        topic,
                        delay.toMillis());
            } else if (!recoveryAnnounced.get()) {
                log.warn("no checkpoint to recover from {} yet ({}): waiting for it", topic, cause.getMessage());
            } else {
                logged = false;
            }
            announceRecovery();
            return logged;
        }

        @Override
        public void stopped() {
            announceRecovery();
            consumerMeters.close();
        }
    }

    private void announceRecovery() {
        if (recoveryAnnounced.compareAndSet(false, true)) {
            recovered.countDown();
            try {
                onRecovered.run();
            } catch (RuntimeException e) {
                log.error("recovery callback failed", e);
            }
        }
    }

    /**
     * Of the events up to the end offsets seen at start, loads the newest accepted checkpoint of each run: the event with
     * the highest step first, and when that one is rejected (file missing, wrong hash or network, a step its file
     * does not record) the next older one, so one bad event never leaves a run without a model. With more than one
     * recent version per run, the next older accepted ones are loaded too, up to that many (for pending evaluations).
     */
    private void recover(
            List<ConsumerRecord<String, byte[]>> backlog, Map<ConsumerRecord<String, byte[]>, CheckpointEvent> events) {
        Map<String, List<ConsumerRecord<String, byte[]>>> byRun = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : backlog) {
            byRun.computeIfAbsent(events.get(record).getRunId(), run -> new ArrayList<>())
                    .add(record);
        }
        log.info("recovered {} run(s) from {}: {}", byRun.size(), topic, byRun.keySet());
        byRun.forEach((run, records) -> {
            // Newest first; two events of one step name the same file (a different one was refused above).
            records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingLong(
                            r -> events.get(r).getStep())
                    .reversed()
                    .thenComparing(Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::offset)
                            .reversed()));
            int accepted = 0;
            for (ConsumerRecord<String, byte[]> record : records) {
                if (!running || accepted == registry.recentVersions()) {
                    break;
                }
                if (load(events.get(record), record)) {
                    accepted++;
                }
            }
        });
    }

    /** False, with the error reported, when the event names another file than its (run, step) was first announced with. */
    private boolean identified(CheckpointEvent event, ConsumerRecord<String, byte[]> record) {
        String conflict = identities.conflict(event);
        if (conflict == null) {
            return true;
        }
        log.warn("{}", conflict);
        metrics.modelLoad("failed");
        report(null, ErrorCode.CHECKPOINT_REJECTED, conflict, record);
        return false;
    }

    private CheckpointEvent decode(ConsumerRecord<String, byte[]> record) {
        try {
            return codec.deserialize(record.topic(), record.value());
        } catch (RecordDecodingException e) {
            report(null, ErrorCode.UNDECODABLE, e.getMessage(), record);
            return null;
        }
    }

    /** Whether the run now has this checkpoint's model or a newer one. */
    private boolean load(CheckpointEvent event, ConsumerRecord<String, byte[]> record) {
        try {
            ModelRegistry.LoadOutcome outcome = registry.load(event);
            metrics.modelLoad(
                    switch (outcome) {
                        case LOADED -> "loaded";
                        case KEPT_AS_RECENT -> "kept";
                        case SKIPPED_NOT_NEWER -> "skipped";
                    });
            return true;
        } catch (CheckpointException | RuntimeException e) {
            log.warn(
                    "checkpoint {}@{} rejected, the previous model stays: {}",
                    event.getRunId(),
                    event.getStep(),
                    e.getMessage());
            metrics.modelLoad("failed");
            report(
                    null,
                    ErrorCode.CHECKPOINT_REJECTED,
                    "checkpoint " + event.getRunId() + "@" + event.getStep() + " rejected: " + e.getMessage(),
                    record);
            return false;
        }
    }

    private void report(String requestId, ErrorCode code, String reason, ConsumerRecord<String, byte[]> record) {
        metrics.error(code.name());
        errors.accept(GenerationErrors.of(
                SamplerConfig.COMPONENT,
                requestId,
                code,
                reason,
                new GenerationErrors.Source(record.topic(), record.partition(), record.offset(), record.value()),
                Instant.now()));
    }

    @Override
    public void close() {
        running = false;
        if (loop != null) {
            loop.close();
        }
    }
}
