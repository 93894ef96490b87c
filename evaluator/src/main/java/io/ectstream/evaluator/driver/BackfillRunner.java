package io.ectstream.evaluator.driver;

import io.ectstream.platform.kafka.EndOffsetReader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's one-shot mode: reads the checkpoints topic from its beginning to its end now (no group, no commits),
 * requests the samplers each checkpoint of one run still lacks a FID for, and returns once the sampler's rejections
 * and the re-sends they call for are over (no request pending).
 */
final class BackfillRunner {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(10);

    private final DriverConfig config;
    private final Backfill backfill;
    private final DriverState state;
    private final KafkaOutbox outbox;
    private final ErrorsFeed errors;
    private final Consumer<String, byte[]> checkpoints;
    private final Clock clock;
    private final Deserializer<CheckpointEvent> events;
    private final CountDownLatch closing = new CountDownLatch(1);

    BackfillRunner(
            DriverConfig config,
            Backfill backfill,
            DriverState state,
            KafkaOutbox outbox,
            ErrorsFeed errors,
            Consumer<String, byte[]> checkpoints,
            Clock clock) {
        this.config = config;
        this.backfill = backfill;
        this.state = state;
        this.outbox = outbox;
        this.errors = errors;
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.events = config.records().serde(CheckpointEvent.class).deserializer();
    }

    /** Runs the backfill on the calling thread; the errors feed must be started. */
    void run() throws InterruptedException {
        try {
            errors.ready().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("the errors topic {} is not read yet: rejections may be missed", config.errorsTopic());
        }
        List<CheckpointEvent> run = readRun(backfill.runId());
        long before = state.evaluatedCheckpoints();
        state.backfill(run, backfill, clock.millis());
        outbox.flush();
        log.info(
                "backfill of run {}: {} checkpoints, {} of them lacked evaluation FIDs and were requested; waiting for the"
                        + " sampler's rejections up to {} after the last send",
                backfill.runId(),
                run.size(),
                state.evaluatedCheckpoints() - before,
                config.retryWindow());
        // The errors feed answers and re-sends; this wait also expires requests when no error ever comes.
        while (state.pendingRequests() > 0 && !closing.await(100, TimeUnit.MILLISECONDS)) {
            errors.resendDue();
        }
        log.info(
                "backfill of run {} done: {} checkpoints requested, {} evaluations ended without a FID",
                backfill.runId(),
                state.evaluatedCheckpoints(),
                state.endedEvaluations());
    }

    /** Every checkpoint event of the run on the checkpoints topic now, one per step (the last written). */
    private List<CheckpointEvent> readRun(String runId) {
        Map<Long, CheckpointEvent> byStep = new TreeMap<>();
        EndOffsetReader.readToEnd(checkpoints, config.checkpointsTopic(), READ_TIMEOUT, record -> {
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
        });
        return new ArrayList<>(byStep.values());
    }

    /** Ends the wait for pending requests (a read of the topic in progress is woken up by the driver). */
    void stop() {
        closing.countDown();
    }
}
