package io.ectstream.trainer.publish;

import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.ops.ServiceMetrics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes training events to Kafka: {@link CheckpointEvent}s (key: run id) to the checkpoints topic and
 * {@link TrainingProgress} records (key: run id) to the progress topic, through an idempotent producer
 * (acks=all, enable.idempotence=true, retries without a delivery deadline). Missing topics are created
 * with the broker's defaults.
 *
 * <h2>A broker that is away</h2>
 * The training thread only puts events into a bounded in-memory queue and returns (a lock, no I/O);
 * a sender thread moves them to the producer in order, at most a few unacknowledged at a time. While the
 * broker is away the events wait in the queue; when it is full the oldest progress record is dropped
 * first (counted, logged once per outage), and only a queue of checkpoint events alone gives up its
 * oldest one (logged as an error: the file stays in the store and {@code republish} announces it).
 * One warning is logged when the broker has been silent for {@link PublisherConfig#outageWarningAfter()},
 * one when it answers again; the waiting events are then delivered in their original order.
 *
 * <h2>A killed and resumed run does not announce a step twice</h2>
 * The publisher deduplicates, so consumers need not. Before it sends the first checkpoint event of a run,
 * it reads the checkpoints topic from the beginning and collects the (step, SHA-256) pairs already
 * announced for that run id; a checkpoint event whose (step, SHA-256) is in that set, or was sent earlier
 * by this publisher, is skipped (logged, counted in {@link #skippedDuplicates()}). This lets a resumed
 * run announce the checkpoint it resumed from unconditionally: announced before the kill, it is skipped;
 * written but never announced (killed between fsync and send), it is announced now. A step rewritten
 * with different bytes (different SHA-256) is a different file and is announced, so a loader never
 * holds an event whose hash cannot match the file. Progress records are not deduplicated (they are
 * monitoring data, and a resumed run legitimately repeats steps since its checkpoint). The only way
 * left to see an event twice is the producer giving up mid-delivery after {@link #close()} timed out,
 * which is logged.
 *
 * <p>{@link #close()} waits up to {@link PublisherConfig#closeTimeout()} for the waiting events and
 * warns about any it had to leave behind.
 */
public final class KafkaTrainingEvents implements TrainingEvents {
    private static final Logger log = LoggerFactory.getLogger(KafkaTrainingEvents.class);

    private final PublisherConfig config;
    private final EventQueue queue;
    private final EventSender sender;
    private final Thread senderThread;
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean warnedProgressDrop = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong accepted = new AtomicLong();

    public KafkaTrainingEvents(PublisherConfig config) {
        this(config, DuplicatePolicy.SKIP_ANNOUNCED);
    }

    public KafkaTrainingEvents(PublisherConfig config, DuplicatePolicy duplicates) {
        this(config, duplicates, null);
    }

    /** @param metrics where each producer it creates exports its meters (kafka_producer_*); null for nowhere */
    public KafkaTrainingEvents(PublisherConfig config, DuplicatePolicy duplicates, ServiceMetrics metrics) {
        this.config = config;
        this.queue = new EventQueue(config.queueBound());
        this.sender = new EventSender(
                config,
                queue,
                () -> {
                    var producer = KafkaClients.producer(PublisherClientProperties.producer(config), Map.of());
                    if (metrics != null) {
                        metrics.bind(new KafkaClientMetrics(producer));
                    }
                    return producer;
                },
                () -> KafkaClients.admin(PublisherClientProperties.admin(config)),
                duplicates);
        this.senderThread = new Thread(sender, "ect-training-events");
        senderThread.setDaemon(true);
        senderThread.start();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ect-training-events-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(sender::watchForOutage, 100, 100, TimeUnit.MILLISECONDS);
        log.info(
                "Publishing checkpoints to {} and progress to {} at {} (queue bound {})",
                config.topics().checkpoints(),
                config.topics().progress(),
                config.bootstrapServers(),
                config.queueBound());
    }

    @Override
    public void checkpointWritten(CheckpointEvent event) {
        enqueue(new PendingEvent.Checkpoint(event));
    }

    @Override
    public void progress(TrainingProgress progress) {
        enqueue(new PendingEvent.Progress(progress));
    }

    private void enqueue(PendingEvent event) {
        if (closed.get()) {
            throw new IllegalStateException("the training event publisher is closed");
        }
        accepted.incrementAndGet();
        switch (queue.offer(event)) {
            case PROGRESS -> {
                if (warnedProgressDrop.compareAndSet(false, true)) {
                    log.warn(
                            "Event queue full ({} events): dropping the oldest progress records to make room; "
                                    + "checkpoint events are kept",
                            config.queueBound());
                }
            }
            case CHECKPOINT ->
                log.error(
                        "Event queue full of checkpoint events ({}): dropped the oldest; its file "
                                + "stays in the store, run `republish` once Kafka is back",
                        config.queueBound());
            case NOTHING -> {}
        }
    }

    /** Events accepted but not yet acknowledged by the broker. */
    public int waiting() {
        return sender.waiting();
    }

    public long delivered() {
        return sender.delivered();
    }

    public long droppedProgress() {
        return queue.droppedProgress();
    }

    public long droppedCheckpoints() {
        return queue.droppedCheckpoints();
    }

    /** Checkpoint events not sent because the same (run, step, SHA-256) was already announced. */
    public long skippedDuplicates() {
        return sender.skippedDuplicates();
    }

    /** Events dropped because no retry could send them (logged as errors). */
    public long failed() {
        return sender.failed();
    }

    /** Times the broker was silent long enough for a warning. */
    public int outages() {
        return sender.outages();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        sender.finish(deadline);
        try {
            senderThread.join(Math.max(1, config.closeTimeout().toMillis()));
            if (senderThread.isAlive()) {
                senderThread.interrupt(); // stuck waiting on an absent broker: stop it before its clients close
                senderThread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long leftNanos = Math.max(0, deadline - System.nanoTime());
        watchdog.shutdownNow();
        sender.closeClients(
                Duration.ofNanos(Math.max(leftNanos, Duration.ofMillis(100).toNanos())));
        long left = accepted.get()
                - delivered()
                - skippedDuplicates()
                - droppedProgress()
                - droppedCheckpoints()
                - failed();
        if (left > 0) {
            log.warn(
                    "Closed with {} training events not delivered to Kafka at {}; the checkpoint files remain, "
                            + "`republish --run-dir` announces them",
                    left,
                    config.bootstrapServers());
        } else {
            log.info(
                    "Training event publisher closed: {} delivered, {} duplicates skipped, {} progress records dropped",
                    delivered(),
                    skippedDuplicates(),
                    droppedProgress());
        }
    }
}
