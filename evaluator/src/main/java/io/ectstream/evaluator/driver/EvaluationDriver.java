package io.ectstream.evaluator.driver;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.PollLoop;
import io.ectstream.platform.ops.ServiceMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
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
 * Its parts: a {@link CheckpointFeed} and an {@link ErrorsFeed} (each a {@link PollLoop} on its own thread; the errors
 * topic is read without a group from its end at start), the {@link DriverState} they share (what is known, requested
 * and decided), a {@link KafkaOutbox} that writes the decisions, and for a backfill a {@link BackfillRunner}.
 */
public final class EvaluationDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final KafkaConsumer<String, byte[]> checkpoints;
    private final KafkaConsumer<String, byte[]> errors;
    private final KafkaOutbox outbox;
    private final DriverState state;
    private final ErrorsFeed errorsFeed;
    private final PollLoop<String, byte[]> errorsLoop;
    /** Live mode: the group's checkpoints; null in a backfill. */
    private final PollLoop<String, byte[]> checkpointsLoop;
    /** Backfill mode; null when live. */
    private final BackfillRunner backfillRunner;

    private final Thread backfillThread;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private boolean closed;

    /** The launcher's form: errors from the default topic, default retry timings. */
    public EvaluationDriver(
            KafkaClientSettings settings,
            String groupId,
            String checkpointsTopic,
            String evaluationRequestsTopic,
            EvaluationPlan plan) {
        this(settings, DriverConfig.of(groupId, checkpointsTopic, evaluationRequestsTopic), plan);
    }

    public EvaluationDriver(KafkaClientSettings settings, DriverConfig config, EvaluationPlan plan) {
        this(settings, config, plan, null);
    }

    /** @param backfill null to evaluate new checkpoints until closed; else complete this run's history and stop */
    public EvaluationDriver(KafkaClientSettings settings, DriverConfig config, EvaluationPlan plan, Backfill backfill) {
        Clock clock = Clock.systemUTC();
        this.outbox = new KafkaOutbox(settings, config);
        this.state = new DriverState(config, plan, outbox);
        Map<String, Object> consumerConfig = new HashMap<>();
        if (backfill == null) {
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        }
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a backfill reads everything and commits nothing: no group
        this.checkpoints = KafkaClients.consumer(
                backfill == null ? settings : settings.without(ConsumerConfig.GROUP_ID_CONFIG), consumerConfig);
        this.errors = KafkaClients.consumer(
                settings.without(ConsumerConfig.GROUP_ID_CONFIG),
                Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        this.errorsFeed = new ErrorsFeed(config, state, outbox, clock);
        this.errorsLoop = PollLoop.over(errors, errorsFeed)
                .name("evaluation-driver-errors")
                .assignAll(config.errorsTopic(), PollLoop.Start.END)
                .pollTimeout(Duration.ofMillis(100))
                .build();
        if (backfill == null) {
            CheckpointFeed feed = new CheckpointFeed(config, state, outbox, clock);
            this.checkpointsLoop = PollLoop.over(checkpoints, feed)
                    .name("evaluation-driver")
                    .subscribe(List.of(config.checkpointsTopic()))
                    .committedAs(feed::committedAs)
                    .build();
            this.checkpointsLoop.done().whenComplete((s, e) -> stopped());
            this.backfillRunner = null;
            this.backfillThread = null;
        } else {
            this.checkpointsLoop = null;
            this.backfillRunner = new BackfillRunner(config, backfill, state, outbox, errorsFeed, checkpoints, clock);
            this.backfillThread = new Thread(this::runBackfill, "evaluation-driver");
            this.backfillThread.setDaemon(true);
        }
    }

    public EvaluationDriver start() {
        errorsLoop.start();
        if (backfillThread != null) {
            backfillThread.start();
        } else {
            // the errors topic's start is fixed before the first request is sent (or found missing)
            errorsFeed.ready().completeOnTimeout(null, 30, TimeUnit.SECONDS).thenRun(this::startCheckpoints);
        }
        return this;
    }

    private synchronized void startCheckpoints() {
        if (!closed) {
            checkpointsLoop.start();
        }
    }

    private void runBackfill() {
        try {
            backfillRunner.run();
        } catch (WakeupException e) {
            if (!isClosed()) {
                log.error("evaluation driver woken up unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("evaluation driver stopped: {}", e.toString(), e);
        } finally {
            checkpoints.close(Duration.ofSeconds(5));
            stopped();
        }
    }

    /** The checkpoints' reader ended (closed, failed, or the backfill is done): the errors feed ends too. */
    private void stopped() {
        errorsLoop.close();
        outbox.flush();
        finished.complete(null);
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Exports the driver's Kafka clients' meters (kafka_producer_*, kafka_consumer_*). */
    public EvaluationDriver bindMetrics(ServiceMetrics metrics) {
        metrics.bind(new KafkaClientMetrics(outbox.producer()));
        metrics.bind(new KafkaClientMetrics(checkpoints));
        metrics.bind(new KafkaClientMetrics(errors));
        return this;
    }

    /**
     * Started and not stopped; when live, also reading its checkpoints (false while Kafka refuses or cannot be reached
     * and the driver retries).
     */
    public boolean running() {
        if (isClosed() || finished.isDone()) {
            return false;
        }
        return backfillThread != null ? backfillThread.isAlive() : checkpointsLoop.state() == PollLoop.State.RUNNING;
    }

    /** Evaluation requests sent so far, re-sends included. */
    public long requested() {
        return state.requested();
    }

    /** Requests re-sent because the sampler did not serve their checkpoint yet (answered errors only). */
    public long retried() {
        return state.retried();
    }

    /** Requests given up: their checkpoint was superseded, or they failed otherwise. */
    public long abandonedRequests() {
        return state.abandonedRequests();
    }

    /** Checkpoints whose evaluation was requested. */
    public long evaluatedCheckpoints() {
        return state.evaluatedCheckpoints();
    }

    /** Checkpoint events skipped because the same checkpoint was already requested (a redelivery). */
    public long skippedCheckpoints() {
        return state.skippedCheckpoints();
    }

    /** Checkpoint evaluations ended without samples: the sampler rejected the checkpoint or never served it. */
    public long endedEvaluations() {
        return state.endedEvaluations();
    }

    /** Completes when the driver stopped: a backfill when it is done, else on close. */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** Records read from the errors topic (every service's errors), less the drivers' own unevaluated-checkpoint reports. */
    public long errorsRead() {
        return state.errorsRead();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (checkpointsLoop != null) {
            checkpointsLoop.close();
        } else {
            backfillRunner.stop();
            if (backfillThread.isAlive()) {
                checkpoints.wakeup();
            }
            try {
                backfillThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        errorsLoop.close();
        if (backfillThread != null && !backfillThread.isAlive() && !finished.isDone()) {
            checkpoints.close(Duration.ofSeconds(5)); // never started
            stopped();
        }
        outbox.close();
    }
}
