package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.LogFields;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.logging.LogContext;
import io.ectstream.platform.ops.ServiceMetrics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every checkpoint: on each CheckpointEvent it asks the sampler, through the evaluation requests topic
 * (which only the driver may write; the sampler marks what it reads there EVALUATION), for the samples of
 * its {@link EvaluationPlan} (the same seeds for every checkpoint) for that exact model version. The
 * evaluator's topology turns the results into one FidReport per (version, sampler, steps).
 * <ul>
 * <li>Checkpoints: read in a consumer group (one driver per checkpoint partition), committed after the
 *     requests are acknowledged: a restart neither skips nor repeats a checkpoint. At start the backlog up to
 *     the end offsets is read first; of the events read together the newest of each run is evaluated first,
 *     then the older ones in step order ({@link CheckpointSelector}): none is skipped.</li>
 * <li>Backfill ({@link Backfill}): without a group, reads the checkpoints topic from its beginning to its end
 *     now, requests the samplers each checkpoint of one run still lacks a FID for, waits out the rejections
 *     and retries of those requests, and stops ({@link #finished()}).</li>
 * <li>Request ids end with a nonce per evaluation, HMAC-SHA256 of the checkpoint under the group's secret
 *     {@link EvaluationKey} (kept with the committed offsets): unguessable, and the same after a restart, so a
 *     checkpoint whose requests were sent but not committed is asked again under the same ids and the evaluator
 *     counts its samples once. An error counts only
 *     when it names the record the driver wrote ({@link PendingRequests}): forged or replayed errors, and
 *     copies of a request sent by someone else, make the driver re-send nothing.</li>
 * <li>Superseded checkpoints: scored to the end once the sampler accepted their requests (it keeps the
 *     model for them, at evaluation priority). A request the sampler rejects with UNKNOWN_MODEL is re-sent
 *     after {@link DriverConfig#retryDelay()}, doubled per re-send, while its checkpoint is still the newest
 *     one the driver knows (the sampler had not loaded it yet), for up to {@link DriverConfig#retryWindow()};
 *     if a newer checkpoint of the run is known, it is not re-sent and the checkpoint's evaluation ends (the
 *     sampler does not serve that version any more).</li>
 * <li>Rejected checkpoints: a CHECKPOINT_REJECTED error for the checkpoint, or a request still not served
 *     at the end of the retry window, ends that checkpoint's evaluation: its requests are not re-sent, one
 *     line says why ({@link #endedEvaluations()}), and an {@link UnevaluatedCheckpoint} record on the errors
 *     topic says it to fid-history and the dashboard. With the evaluator reporting every {@code samples}
 *     samples, an ended evaluation makes no report rather than a report over fewer samples.</li>
 * </ul>
 * One thread; the errors topic is read without a group from its end at start.
 */
public final class EvaluationDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final DriverConfig config;
    private final EvaluationPlan plan;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> checkpoints;
    private final KafkaConsumer<String, byte[]> errors;
    private final KafkaProducer<String, byte[]> producer;
    private final Deserializer<CheckpointEvent> events;
    private final Serializer<GenerationRequest> requests;
    private final Serializer<GenerationError> errorWriter;
    private final Deserializer<GenerationError> errorReader;
    private final CheckpointSelector selector = new CheckpointSelector();
    private final PendingRequests pending;
    private final Map<TopicPartition, Long> catchUpEnd = new HashMap<>();
    private final List<CheckpointEvent> backlog = new ArrayList<>();
    private final Thread thread;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong evaluated = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong errorsRead = new AtomicLong();
    private final RejectedCheckpoints rejected = new RejectedCheckpoints();
    private final Map<String, CheckpointEvent> evaluating = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CheckpointEvent> eldest) {
            return size() > 1000;
        }
    };
    private final Backfill backfill;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private volatile boolean running = true;
    private long nextErrorsLookupMs;
    /** Replaced by the group's own key at assignment; a backfill (no group) keeps this random one. */
    private EvaluationKey key = EvaluationKey.random();

    /** The launcher's form: errors from the default topic, default retry timings. */
    public EvaluationDriver(
            Map<String, Object> clientProperties,
            String groupId,
            String checkpointsTopic,
            String evaluationRequestsTopic,
            EvaluationPlan plan) {
        this(clientProperties, DriverConfig.of(groupId, checkpointsTopic, evaluationRequestsTopic), plan);
    }

    public EvaluationDriver(Map<String, Object> clientProperties, DriverConfig config, EvaluationPlan plan) {
        this(clientProperties, config, plan, null);
    }

    /** @param backfill null to evaluate new checkpoints until closed; else complete this run's history and stop */
    public EvaluationDriver(
            Map<String, Object> clientProperties, DriverConfig config, EvaluationPlan plan, Backfill backfill) {
        this.config = config;
        this.events = config.records().serde(CheckpointEvent.class).deserializer();
        this.requests = config.records().serde(GenerationRequest.class).serializer();
        this.errorWriter = config.records().serde(GenerationError.class).serializer();
        this.errorReader = config.records().serde(GenerationError.class).deserializer();
        this.backfill = backfill;
        this.plan = plan;
        this.clock = Clock.systemUTC();
        this.pending = new PendingRequests(
                config.retryDelay().toMillis(), config.retryWindow().toMillis());
        Map<String, Object> consumerConfig = new HashMap<>(clientProperties);
        if (backfill == null) {
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        } else {
            consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG); // reads everything, commits nothing
        }
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.checkpoints = KafkaClients.consumer(consumerConfig);
        Map<String, Object> errorsConfig = new HashMap<>(clientProperties);
        errorsConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        errorsConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.errors = KafkaClients.consumer(errorsConfig);
        Map<String, Object> producerConfig = new HashMap<>(clientProperties);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = KafkaClients.producer(producerConfig);
        this.thread = new Thread(this::run, "evaluation-driver");
        this.thread.setDaemon(true);
    }

    public EvaluationDriver start() {
        thread.start();
        return this;
    }

    /** Exports the driver's Kafka clients' meters (kafka_producer_*, kafka_consumer_*). */
    public EvaluationDriver bindMetrics(ServiceMetrics metrics) {
        metrics.bind(new KafkaClientMetrics(producer));
        metrics.bind(new KafkaClientMetrics(checkpoints));
        metrics.bind(new KafkaClientMetrics(errors));
        return this;
    }

    /** Started and not stopped. */
    public boolean running() {
        return running && thread.isAlive();
    }

    /** Evaluation requests sent so far, re-sends included. */
    public long requested() {
        return requested.get();
    }

    /** Requests re-sent because the sampler did not serve their checkpoint yet (answered errors only). */
    public long retried() {
        return retried.get();
    }

    /** Requests given up: their checkpoint was superseded, or they failed otherwise. */
    public long abandonedRequests() {
        return abandoned.get();
    }

    /** Checkpoints whose evaluation was requested. */
    public long evaluatedCheckpoints() {
        return evaluated.get();
    }

    /** Checkpoint events skipped because the same checkpoint was already requested (a redelivery). */
    public long skippedCheckpoints() {
        return skipped.get();
    }

    /** Checkpoint evaluations ended without samples: the sampler rejected the checkpoint or never served it. */
    public long endedEvaluations() {
        return ended.get();
    }

    /** Completes when the driver stopped: a backfill when it is done, else on close. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** Records read from the errors topic (every service's errors), less the drivers' own unevaluated-checkpoint reports. */
    public long errorsRead() {
        return errorsRead.get();
    }

    private void run() {
        try {
            if (backfill != null) {
                runBackfill();
                return;
            }
            subscribe();
            while (running) {
                pollCheckpoints();
                pollErrors();
                resendDue();
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("evaluation driver woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("evaluation driver stopped: {}", e.toString(), e);
        } finally {
            checkpoints.close(Duration.ofSeconds(5));
            errors.close(Duration.ofSeconds(2));
            producer.flush();
            finished.complete(null);
        }
    }

    private void runBackfill() {
        assignErrors(Duration.ofSeconds(30));
        List<CheckpointEvent> events = readRun(backfill.runId());
        int requestedBefore = (int) evaluated.get();
        for (CheckpointEvent event : selector.select(events)) {
            requestSamples(event, sampler -> !backfill.scored(event.getStep(), sampler));
        }
        producer.flush();
        log.info(
                "backfill of run {}: {} checkpoints, {} of them lacked evaluation FIDs and were requested; waiting for the"
                        + " sampler's rejections up to {} after the last send",
                backfill.runId(),
                events.size(),
                evaluated.get() - requestedBefore,
                config.retryWindow());
        while (running && pending.size() > 0) {
            pollErrors();
            resendDue();
        }
        log.info(
                "backfill of run {} done: {} checkpoints requested, {} evaluations ended without a FID",
                backfill.runId(),
                evaluated.get(),
                ended.get());
    }

    /** Every checkpoint event of the run on the checkpoints topic now, one per step (the last written). */
    private List<CheckpointEvent> readRun(String runId) {
        List<TopicPartition> partitions =
                checkpoints.partitionsFor(config.checkpointsTopic(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        checkpoints.assign(partitions);
        checkpoints.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = checkpoints.endOffsets(partitions);
        Map<Long, CheckpointEvent> byStep = new TreeMap<>();
        while (running && end.entrySet().stream().anyMatch(e -> checkpoints.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<String, byte[]> record : checkpoints.poll(Duration.ofMillis(200))) {
                try {
                    CheckpointEvent event = events.deserialize(record.topic(), record.value());
                    if (runId.equals(event.getRunId())) {
                        byStep.put(event.getStep(), event);
                    }
                } catch (RecordDecodingException e) {
                    log.warn(
                            "backfill skipped an undecodable checkpoint event at {}-{}@{}",
                            record.topic(),
                            record.partition(),
                            record.offset());
                }
            }
        }
        return new ArrayList<>(byStep.values());
    }

    private void subscribe() {
        assignErrors(Duration.ofSeconds(30));
        checkpoints.subscribe(List.of(config.checkpointsTopic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                catchUpEnd.putAll(checkpoints.endOffsets(partitions));
                adoptGroupKey(partitions);
                log.info("evaluation driver reads checkpoints from {}", partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(catchUpEnd::remove);
            }
        });
    }

    private void pollCheckpoints() {
        var records = checkpoints.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> record : records) {
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
        if (records.isEmpty() && backlog.isEmpty() || !caughtUp()) {
            return;
        }
        List<CheckpointEvent> chosen = selector.select(backlog);
        skipped.addAndGet(backlog.size() - chosen.size());
        if (chosen.size() > 1) {
            log.info(
                    "evaluation driver is {} checkpoints behind: the newest of each run first, then the others in step order",
                    chosen.size());
        }
        backlog.clear();
        chosen.forEach(event -> requestSamples(event, sampler -> true));
        producer.flush();
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        checkpoints.assignment().forEach(tp -> done.put(tp, key.at(checkpoints.position(tp))));
        checkpoints.commitSync(done);
    }

    /**
     * Takes the group's key from its committed offsets, or makes one and commits it at the current positions before
     * any request is sent, so that every later driver of the group derives the same request ids.
     */
    private void adoptGroupKey(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = checkpoints.committed(new HashSet<>(partitions));
        var found = EvaluationKey.fromCommitted(committed);
        if (found.isPresent()) {
            key = found.get();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            start.put(tp, key.at(c != null ? c.offset() : checkpoints.position(tp)));
        }
        checkpoints.commitSync(start);
        log.info(
                "evaluation driver group {} has a new request-id key (kept with its committed offsets)",
                config.groupId());
    }

    /** Reads the errors topic from its end now (no group); false while the topic does not exist. */
    private boolean assignErrors(Duration timeout) {
        List<TopicPartition> partitions = errors.partitionsFor(config.errorsTopic(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            return false;
        }
        errors.assign(partitions);
        errors.seekToEnd(partitions);
        partitions.forEach(errors::position); // fix the start before the next request is sent
        log.info("evaluation driver watches {} for rejections of its requests", config.errorsTopic());
        return true;
    }

    /** Whether every assigned partition was read up to its end offset at assignment (the start backlog). */
    private boolean caughtUp() {
        for (TopicPartition tp : checkpoints.assignment()) {
            if (checkpoints.position(tp) < catchUpEnd.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void requestSamples(CheckpointEvent event, Predicate<SamplerSettings> wanted) {
        String checkpoint = EvaluationRequests.checkpoint(event.getRunId(), event.getStep());
        String rejection = rejected.reason(checkpoint);
        if (rejection != null) {
            ended.incrementAndGet();
            try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint)) {
                log.warn(
                        "checkpoint {} not evaluated, no FID for it: the sampler rejected it ({})",
                        checkpoint,
                        rejection);
            }
            publishUnevaluated(
                    event, ErrorCode.CHECKPOINT_REJECTED, "the sampler rejected the checkpoint: " + rejection);
            return;
        }
        long now = clock.millis();
        List<GenerationRequest> requests = EvaluationRequests.of(
                event, plan, Instant.ofEpochMilli(now), key.nonce(event.getRunId(), event.getStep()), wanted);
        if (requests.isEmpty()) {
            return;
        }
        evaluating.put(checkpoint, event);
        for (GenerationRequest request : requests) {
            pending.sent(request, send(request), now);
        }
        evaluated.incrementAndGet();
        log.info(
                "evaluation requested for {}@{} ({}): {} samples per sampler in {} requests, {}",
                event.getRunId(),
                event.getStep(),
                event.getPhase(),
                plan.samples(),
                requests.size(),
                plan.samplersFor(event.getPhase()).stream()
                        .filter(wanted)
                        .map(EvaluationRequests::label)
                        .toList());
    }

    /** Tells fid-history and the dashboard, through the errors topic, that the checkpoint gets no FID and why. */
    private void publishUnevaluated(CheckpointEvent event, ErrorCode code, String reason) {
        GenerationError error =
                UnevaluatedCheckpoint.toError(event, code, reason, config.checkpointsTopic(), clock.instant());
        producer.send(
                new ProducerRecord<>(
                        config.errorsTopic(), error.getRequestId(), errorWriter.serialize(config.errorsTopic(), error)),
                (metadata, e) -> {
                    if (e != null) {
                        log.error(
                                "could not report the unevaluated checkpoint {}: {}",
                                error.getRequestId(),
                                e.toString());
                    }
                });
    }

    private Future<RecordMetadata> send(GenerationRequest request) {
        requested.incrementAndGet();
        return producer.send(
                new ProducerRecord<>(
                        config.evaluationRequestsTopic(),
                        request.getRequestId(),
                        requests.serialize(config.evaluationRequestsTopic(), request)),
                (metadata, e) -> {
                    if (e != null) {
                        log.error("evaluation request {} could not be sent: {}", request.getRequestId(), e.toString());
                    }
                });
    }

    private void pollErrors() {
        long now = clock.millis();
        if (errors.assignment().isEmpty()) {
            if (now >= nextErrorsLookupMs && !assignErrors(Duration.ofSeconds(1))) {
                nextErrorsLookupMs = now + 5000;
                log.warn(
                        "errors topic {} does not exist yet: requests the sampler rejects are not re-sent",
                        config.errorsTopic());
            }
            return;
        }
        for (ConsumerRecord<String, byte[]> record : errors.poll(Duration.ofMillis(20))) {
            GenerationError error;
            try {
                error = errorReader.deserialize(record.topic(), record.value());
            } catch (RecordDecodingException e) {
                errorsRead.incrementAndGet();
                continue; // not ours to judge; the errors topic is shared
            }
            if (UnevaluatedCheckpoint.COMPONENT.equals(error.getComponent())) {
                continue; // a driver's own report of an unevaluated checkpoint
            }
            errorsRead.incrementAndGet();
            if (error.getCode() == ErrorCode.CHECKPOINT_REJECTED) {
                onCheckpointRejected(error);
                continue;
            }
            GenerationRequest request = pending.answeredBy(error);
            if (request != null) {
                onRejected(request, error, now);
            }
        }
    }

    /** The sampler's own report that it could not load a checkpoint: its evaluation can never be served. */
    private void onCheckpointRejected(GenerationError error) {
        if (!config.checkpointsTopic().equals(error.getSourceTopic()) || error.getOriginalBytes() == null) {
            return;
        }
        CheckpointEvent event;
        try {
            // the sampler's copy of the record as it was on the checkpoints topic, in the deployment's wire format
            event = events.deserialize(error.getSourceTopic(), bytes(error.getOriginalBytes()));
        } catch (RecordDecodingException e) {
            return;
        }
        String checkpoint = EvaluationRequests.checkpoint(event.getRunId(), event.getStep());
        rejected.add(checkpoint, error.getReason());
        endEvaluation(
                checkpoint, ErrorCode.CHECKPOINT_REJECTED, "the sampler rejected the checkpoint: " + error.getReason());
    }

    private void onRejected(GenerationRequest request, GenerationError error, long now) {
        String id = request.getRequestId();
        String checkpoint = EvaluationRequests.checkpointOf(request);
        if (error.getCode() == ErrorCode.MODEL_NOT_KEPT) {
            endEvaluation(
                    checkpoint,
                    ErrorCode.MODEL_NOT_KEPT,
                    "superseded, and the sampler no longer keeps it: " + error.getReason());
        } else if (error.getCode() != ErrorCode.UNKNOWN_MODEL) {
            try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint, LogFields.REQUEST_ID, id)) {
                log.error("evaluation request {} failed for good: {} {}", id, error.getCode(), error.getReason());
            }
            endEvaluation(
                    checkpoint,
                    error.getCode(),
                    "the sampler refused a request: " + error.getCode() + " " + error.getReason());
        } else if (!pending.retryLater(id, now)) {
            endEvaluation(
                    checkpoint,
                    ErrorCode.UNKNOWN_MODEL,
                    "the sampler did not serve it within " + config.retryWindow() + ": " + error.getReason());
        } else {
            try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint, LogFields.REQUEST_ID, id)) {
                log.debug("evaluation request {} will be re-sent: the sampler does not serve {} yet", id, checkpoint);
            }
        }
    }

    /** Stops re-sending the checkpoint's requests and says why, once per checkpoint. */
    private void endEvaluation(String checkpoint, ErrorCode code, String reason) {
        int dropped = pending.dropCheckpoint(checkpoint);
        if (dropped == 0) {
            return; // not evaluated by this driver, or already ended
        }
        abandoned.addAndGet(dropped);
        ended.incrementAndGet();
        try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint)) {
            log.warn("evaluation of checkpoint {} ended, no FID for it: {}", checkpoint, reason);
        }
        CheckpointEvent event = evaluating.remove(checkpoint);
        if (event != null) {
            publishUnevaluated(event, code, reason);
        }
    }

    private void resendDue() {
        List<GenerationRequest> due = pending.due(clock.millis());
        int resent = 0;
        for (GenerationRequest request : due) {
            pending.resent(request.getRequestId(), send(request));
            resent++;
        }
        if (resent > 0) {
            producer.flush(); // written before the errors that name these copies can be read
            retried.addAndGet(resent);
            log.info("re-sent {} evaluation requests the sampler could not serve yet", resent);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }

    @Override
    public void close() {
        running = false;
        checkpoints.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
