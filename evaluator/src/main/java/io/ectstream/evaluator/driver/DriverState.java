package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.LogFields;
import io.ectstream.platform.logging.LogContext;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the evaluation driver knows and decides, without Kafka: which checkpoints were seen and requested, which
 * requests wait for the sampler, which checkpoints the sampler rejected, and what to send or report next (through a
 * {@link DriverOutbox}). Time is passed in. The feeds call it from their threads, so every method is synchronized.
 * The rules are the ones {@link EvaluationDriver} describes.
 */
final class DriverState {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final EvaluationPlan plan;
    private final String checkpointsTopic;
    private final Duration retryWindow;
    private final Deserializer<CheckpointEvent> events;
    private final DriverOutbox outbox;
    private final CheckpointSelector selector = new CheckpointSelector();
    private final PendingRequests pending;
    private final RejectedCheckpoints rejected = new RejectedCheckpoints();
    private final Map<String, CheckpointEvent> evaluating = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CheckpointEvent> eldest) {
            return size() > 1000;
        }
    };
    /** Replaced by the group's own key at assignment; a backfill (no group) keeps this random one. */
    private EvaluationKey key = EvaluationKey.random();

    private long requested;
    private long retried;
    private long abandoned;
    private long evaluated;
    private long skipped;
    private long ended;
    private long errorsRead;

    DriverState(DriverConfig config, EvaluationPlan plan, DriverOutbox outbox) {
        this.plan = plan;
        this.checkpointsTopic = config.checkpointsTopic();
        this.retryWindow = config.retryWindow();
        this.events = config.records().serde(CheckpointEvent.class).deserializer();
        this.outbox = outbox;
        this.pending = new PendingRequests(
                config.retryDelay().toMillis(), config.retryWindow().toMillis());
    }

    synchronized EvaluationKey key() {
        return key;
    }

    /** The group's key: request ids of later evaluations derive from it. */
    synchronized void useKey(EvaluationKey key) {
        this.key = key;
    }

    /**
     * Checkpoint events read together (the backlog at start, or one poll's events): the newest of each run first, then
     * the older ones in step order, each evaluated once; redeliveries are skipped.
     */
    synchronized void checkpoints(List<CheckpointEvent> backlog, long nowMs) {
        List<CheckpointEvent> chosen = selector.select(backlog);
        skipped += backlog.size() - chosen.size();
        if (chosen.size() > 1) {
            log.info(
                    "evaluation driver is {} checkpoints behind: the newest of each run first, then the others in step order",
                    chosen.size());
        }
        chosen.forEach(event -> requestSamples(event, sampler -> true, nowMs));
    }

    /** Requests the samplers each of the run's checkpoints still lacks an evaluation FID for. */
    synchronized void backfill(List<CheckpointEvent> run, Backfill backfill, long nowMs) {
        for (CheckpointEvent event : selector.select(run)) {
            requestSamples(event, sampler -> !backfill.scored(event.getStep(), sampler), nowMs);
        }
    }

    private void requestSamples(CheckpointEvent event, Predicate<SamplerSettings> wanted, long nowMs) {
        String checkpoint = EvaluationRequests.checkpoint(event.getRunId(), event.getStep());
        String rejection = rejected.reason(checkpoint);
        if (rejection != null) {
            ended++;
            try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint)) {
                log.warn(
                        "checkpoint {} not evaluated, no FID for it: the sampler rejected it ({})",
                        checkpoint,
                        rejection);
            }
            outbox.unevaluated(
                    event,
                    ErrorCode.CHECKPOINT_REJECTED,
                    "the sampler rejected the checkpoint: " + rejection,
                    Instant.ofEpochMilli(nowMs));
            return;
        }
        List<GenerationRequest> requests = EvaluationRequests.of(
                event, plan, Instant.ofEpochMilli(nowMs), key.nonce(event.getRunId(), event.getStep()), wanted);
        if (requests.isEmpty()) {
            return;
        }
        evaluating.put(checkpoint, event);
        for (GenerationRequest request : requests) {
            requested++;
            pending.sent(request, outbox.request(request), nowMs);
        }
        evaluated++;
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

    /** A record of the errors topic (shared by every service) that did not decode as an error. */
    synchronized void undecodableError() {
        errorsRead++;
    }

    /** An error read from the errors topic: a rejection of a checkpoint, an answer to a request, or neither. */
    synchronized void error(GenerationError error, long nowMs) {
        if (UnevaluatedCheckpoint.COMPONENT.equals(error.getComponent())) {
            return; // a driver's own report of an unevaluated checkpoint
        }
        errorsRead++;
        if (error.getCode() == ErrorCode.CHECKPOINT_REJECTED) {
            onCheckpointRejected(error, nowMs);
            return;
        }
        GenerationRequest request = pending.answeredBy(error);
        if (request != null) {
            onRejected(request, error, nowMs);
        }
    }

    /** The sampler's own report that it could not load a checkpoint: its evaluation can never be served. */
    private void onCheckpointRejected(GenerationError error, long nowMs) {
        if (!checkpointsTopic.equals(error.getSourceTopic()) || error.getOriginalBytes() == null) {
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
                checkpoint,
                ErrorCode.CHECKPOINT_REJECTED,
                "the sampler rejected the checkpoint: " + error.getReason(),
                nowMs);
    }

    private void onRejected(GenerationRequest request, GenerationError error, long nowMs) {
        String id = request.getRequestId();
        String checkpoint = EvaluationRequests.checkpointOf(request);
        if (error.getCode() == ErrorCode.MODEL_NOT_KEPT) {
            endEvaluation(
                    checkpoint,
                    ErrorCode.MODEL_NOT_KEPT,
                    "superseded, and the sampler no longer keeps it: " + error.getReason(),
                    nowMs);
        } else if (error.getCode() != ErrorCode.UNKNOWN_MODEL) {
            try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint, LogFields.REQUEST_ID, id)) {
                log.error("evaluation request {} failed for good: {} {}", id, error.getCode(), error.getReason());
            }
            endEvaluation(
                    checkpoint,
                    error.getCode(),
                    "the sampler refused a request: " + error.getCode() + " " + error.getReason(),
                    nowMs);
        } else if (!pending.retryLater(id, nowMs)) {
            endEvaluation(
                    checkpoint,
                    ErrorCode.UNKNOWN_MODEL,
                    "the sampler did not serve it within " + retryWindow + ": " + error.getReason(),
                    nowMs);
        } else {
            try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint, LogFields.REQUEST_ID, id)) {
                log.debug("evaluation request {} will be re-sent: the sampler does not serve {} yet", id, checkpoint);
            }
        }
    }

    /** Stops re-sending the checkpoint's requests and says why, once per checkpoint. */
    private void endEvaluation(String checkpoint, ErrorCode code, String reason, long nowMs) {
        int dropped = pending.dropCheckpoint(checkpoint);
        if (dropped == 0) {
            return; // not evaluated by this driver, or already ended
        }
        abandoned += dropped;
        ended++;
        try (LogContext ignored = LogContext.of(LogFields.CHECKPOINT, checkpoint)) {
            log.warn("evaluation of checkpoint {} ended, no FID for it: {}", checkpoint, reason);
        }
        CheckpointEvent event = evaluating.remove(checkpoint);
        if (event != null) {
            outbox.unevaluated(event, code, reason, Instant.ofEpochMilli(nowMs));
        }
    }

    /** Re-sends the requests whose retry is due; how many (the caller flushes them before reading more errors). */
    synchronized int resendDue(long nowMs) {
        List<GenerationRequest> due = pending.due(nowMs);
        for (GenerationRequest request : due) {
            requested++;
            pending.resent(request.getRequestId(), outbox.request(request));
        }
        if (!due.isEmpty()) {
            retried += due.size();
            log.info("re-sent {} evaluation requests the sampler could not serve yet", due.size());
        }
        return due.size();
    }

    /** Requests still waiting: sent within the retry window, or with a re-send scheduled. */
    synchronized int pendingRequests() {
        return pending.size();
    }

    synchronized long requested() {
        return requested;
    }

    synchronized long retried() {
        return retried;
    }

    synchronized long abandonedRequests() {
        return abandoned;
    }

    synchronized long evaluatedCheckpoints() {
        return evaluated;
    }

    synchronized long skippedCheckpoints() {
        return skipped;
    }

    synchronized long endedEvaluations() {
        return ended;
    }

    synchronized long errorsRead() {
        return errorsRead;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
