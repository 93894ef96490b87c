package io.ectstream.sampler.intake;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.platform.kafka.KafkaClients;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
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
    static final Duration AUTHORIZATION_RETRY = Duration.ofSeconds(10);

    private final Map<String, Object> clientProperties;
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
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaClientMetrics consumerMeters;
    private Thread thread;

    /** @param errors where rejected checkpoints are reported (called from the intake's thread) */
    public CheckpointIntake(
            String bootstrapServers,
            String topic,
            ModelRegistry registry,
            Consumer<GenerationError> errors,
            SamplerMetrics metrics) {
        this(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                topic,
                registry,
                errors,
                metrics,
                RecordFormat.SINGLE_OBJECT);
    }

    /** @param clientProperties what the consumer starts from (bootstrap servers, security); see KafkaClientSettings */
    public CheckpointIntake(
            Map<String, Object> clientProperties,
            String topic,
            ModelRegistry registry,
            Consumer<GenerationError> errors,
            SamplerMetrics metrics,
            RecordFormat records) {
        this.codec = records.serde(CheckpointEvent.class).deserializer();
        this.clientProperties = Map.copyOf(clientProperties);
        this.topic = topic;
        this.registry = registry;
        this.errors = errors;
        this.metrics = metrics;
    }

    /** Starts reading; {@code onRecovered} runs once (on this intake's thread) when recovery is over, even if it failed. */
    public void start(Runnable onRecovered) {
        this.onRecovered = onRecovered;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ect-sampler-checkpoints");
        consumer = KafkaClients.consumer(props);
        consumerMeters = metrics.bind(consumer);
        thread = new Thread(this::run, "ect-checkpoint-intake");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the checkpoints present at start were read and their newest per run loaded (or rejected). */
    public boolean awaitRecovery(Duration timeout) throws InterruptedException {
        return recovered.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            while (running) {
                try {
                    readUntilStopped();
                } catch (AuthorizationException e) {
                    // Not fatal: the ACLs may be granted later. The service keeps serving the models it has.
                    log.error(
                            "Kafka refuses the checkpoint intake ({}): its user needs DESCRIBE and READ on topic {};"
                                    + " retrying in {} s",
                            e.getMessage(),
                            topic,
                            AUTHORIZATION_RETRY.toSeconds());
                    announceRecovery();
                    Thread.sleep(AUTHORIZATION_RETRY.toMillis());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("checkpoint intake woken up unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("checkpoint intake stopped: no further checkpoints will be loaded", e);
        } finally {
            announceRecovery();
            consumerMeters.close();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void readUntilStopped() throws InterruptedException {
        {
            List<TopicPartition> partitions = partitions();
            if (partitions.isEmpty()) {
                log.warn("topic {} does not exist yet: no checkpoint to recover, waiting for it", topic);
                announceRecovery();
                while (running && partitions.isEmpty()) {
                    Thread.sleep(1000);
                    partitions = partitions();
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            recover(consumer.endOffsets(partitions));
            announceRecovery();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    CheckpointEvent event = decode(record);
                    if (event != null && identified(event, record)) {
                        load(event, record);
                    }
                }
            }
        }
    }

    private List<TopicPartition> partitions() {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
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
     * Reads up to the end offsets seen at start and loads the newest accepted checkpoint of each run: the event with
     * the highest step first, and when that one is rejected (file missing, wrong hash or network, a step its file
     * does not record) the next older one, so one bad event never leaves a run without a model. With more than one
     * recent version per run, the next older accepted ones are loaded too, up to that many (for pending evaluations).
     */
    private void recover(Map<TopicPartition, Long> endOffsets) {
        Map<String, List<ConsumerRecord<String, byte[]>>> byRun = new HashMap<>();
        Map<ConsumerRecord<String, byte[]>, CheckpointEvent> events = new HashMap<>();
        while (running && endOffsets.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                CheckpointEvent event = decode(record);
                if (event != null && identified(event, record)) {
                    events.put(record, event);
                    byRun.computeIfAbsent(event.getRunId(), run -> new ArrayList<>())
                            .add(record);
                }
            }
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
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
