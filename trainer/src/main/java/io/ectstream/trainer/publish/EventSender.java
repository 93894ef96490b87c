package io.ectstream.trainer.publish;

import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's own thread: takes events from the {@link EventQueue} in order and hands them to the
 * idempotent producer, at most {@link #WINDOW} unacknowledged at a time, so that while the broker is
 * away the rest wait in the bounded queue (where the drop policy applies) rather than in the producer.
 */
final class EventSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventSender.class);
    static final int WINDOW = 5;
    private static final long RETRY_PAUSE_MS = 200;
    private static final Duration TOPIC_SETUP_TIMEOUT = Duration.ofSeconds(6);

    private final PublisherConfig config;
    private final DuplicatePolicy duplicates;
    private final EventQueue queue;
    private final Supplier<Producer<String, byte[]>> producerFactory;
    private final Supplier<Admin> adminFactory;
    private volatile Producer<String, byte[]> producer;
    private volatile Admin admin;
    private final Serializer<CheckpointEvent> checkpointSerializer;
    private final Serializer<TrainingProgress> progressSerializer;
    private final Map<String, AnnouncedCheckpoints> announcedByRun = new ConcurrentHashMap<>();
    private final Semaphore window = new Semaphore(WINDOW);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong skippedDuplicates = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger outages = new AtomicInteger();
    private final AtomicBoolean inOutage = new AtomicBoolean();
    private volatile long lastHealthyNanos = System.nanoTime();
    private volatile long outageStartNanos;
    private volatile long stopAtNanos = Long.MAX_VALUE;
    private volatile boolean closing;
    private volatile PendingEvent current;
    private boolean topicsReady;
    private String lastRetryReason;

    /**
     * The clients are made on this thread when first needed: a producer cannot even be constructed while
     * the broker's host name does not resolve, and that must not stop training either.
     */
    EventSender(
            PublisherConfig config,
            EventQueue queue,
            Supplier<Producer<String, byte[]>> producerFactory,
            Supplier<Admin> adminFactory,
            DuplicatePolicy duplicates) {
        this.duplicates = duplicates;
        this.config = config;
        this.checkpointSerializer =
                config.records().serde(CheckpointEvent.class).serializer();
        this.progressSerializer = config.records().serde(TrainingProgress.class).serializer();
        this.queue = queue;
        this.producerFactory = producerFactory;
        this.adminFactory = adminFactory;
    }

    /** Closes the clients after the thread has stopped; waits up to {@code timeout} for sent records. */
    void closeClients(Duration timeout) {
        if (producer != null) {
            producer.close(timeout);
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** Stop once everything waiting is handed over, or at {@code deadlineNanos} at the latest. */
    void finish(long deadlineNanos) {
        stopAtNanos = deadlineNanos;
        closing = true;
    }

    @Override
    public void run() {
        try {
            while (System.nanoTime() < stopAtNanos) {
                if (current == null) {
                    if (closing && queue.size() == 0) {
                        return;
                    }
                    current = queue.poll(RETRY_PAUSE_MS);
                    if (current == null) {
                        continue;
                    }
                }
                if (handOver(current)) {
                    current = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("The event publisher stopped on an unexpected error; {} events are not announced", waiting(), e);
        }
    }

    /** True when {@code event} was sent or deliberately skipped; false to try again. */
    private boolean handOver(PendingEvent event) throws InterruptedException {
        try {
            if (producer == null) {
                admin = admin != null ? admin : adminFactory.get();
                producer = producerFactory.get();
            }
            if (!topicsReady) {
                List<String> topics =
                        List.of(config.topics().checkpoints(), config.topics().progress());
                KafkaTopics.createWithBrokerDefaults(admin, topics, TOPIC_SETUP_TIMEOUT);
                topicsReady = true;
            }
            if (event instanceof PendingEvent.Checkpoint checkpoint && isAlreadyAnnounced(checkpoint.event())) {
                skippedDuplicates.incrementAndGet();
                log.info(
                        "Checkpoint {} step {} was already announced with the same SHA-256; not announcing it again",
                        event.runId(),
                        event.step());
                return true;
            }
            if (!window.tryAcquire(RETRY_PAUSE_MS, TimeUnit.MILLISECONDS)) {
                return false;
            }
            try {
                send(event);
                lastRetryReason = null;
                return true;
            } catch (UnsendableEvent e) {
                window.release();
                failed.incrementAndGet();
                log.error(
                        "Dropping {} of {} at step {}: it cannot be sent ({})",
                        event instanceof PendingEvent.Checkpoint ? "checkpoint event" : "progress record",
                        event.runId(),
                        event.step(),
                        e.getCause().toString());
                return true;
            } catch (KafkaException e) {
                window.release();
                throw e;
            }
        } catch (KafkaException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("closing");
            }
            String reason = e.getClass().getSimpleName();
            if (!reason.equals(lastRetryReason) && e instanceof org.apache.kafka.common.errors.AuthorizationException) {
                log.error(
                        "Kafka at {} refuses this client ({}): its user needs ACLs DESCRIBE, READ and WRITE on topics {} and {}"
                                + " (CREATE too if they do not exist); events wait and are retried",
                        config.bootstrapServers(),
                        e.getMessage(),
                        config.topics().checkpoints(),
                        config.topics().progress());
            } else if (!reason.equals(lastRetryReason)) {
                log.warn(
                        "Kafka at {} not ready ({}{}); events wait and are retried",
                        config.bootstrapServers(),
                        e.getMessage(),
                        e.getCause() != null ? ": " + e.getCause().getMessage() : "");
            }
            lastRetryReason = reason;
            Thread.sleep(RETRY_PAUSE_MS);
            return false;
        }
    }

    private boolean isAlreadyAnnounced(CheckpointEvent event) {
        if (duplicates == DuplicatePolicy.ANNOUNCE_ALWAYS) {
            announcedByRun.computeIfAbsent(event.getRunId(), run -> new AnnouncedCheckpoints());
            return false;
        }
        AnnouncedCheckpoints announced = announcedByRun.get(event.getRunId());
        if (announced == null) {
            announced = AnnouncedCheckpoints.read(
                    config, config.topics().checkpoints(), event.getRunId(), Duration.ofSeconds(10));
            log.info(
                    "Run {}: {} checkpoint announcements already on {}",
                    event.getRunId(),
                    announced.size(),
                    config.topics().checkpoints());
            announcedByRun.put(event.getRunId(), announced);
        }
        return announced.contains(event.getStep(), event.getSha256());
    }

    /**
     * Hands {@code event} to the producer. The producer reports some failures (no metadata for the topic
     * within max.block.ms, while the broker is away) through the callback, on this thread, before
     * {@code send} returns; nothing later has been sent then, so such an event is simply tried again,
     * which keeps the order.
     */
    private void send(PendingEvent event) {
        ProducerRecord<String, byte[]> record;
        try {
            if (event instanceof PendingEvent.Checkpoint checkpoint) {
                String topic = config.topics().checkpoints();
                record = new ProducerRecord<>(
                        topic, event.runId(), checkpointSerializer.serialize(topic, checkpoint.event()));
            } else {
                String topic = config.topics().progress();
                record = new ProducerRecord<>(
                        topic,
                        event.runId(),
                        progressSerializer.serialize(topic, ((PendingEvent.Progress) event).progress()));
            }
        } catch (RuntimeException e) {
            throw new UnsendableEvent(e);
        }
        Thread caller = Thread.currentThread();
        Exception[] failedInSend = new Exception[1];
        producer.send(record, (metadata, error) -> {
            if (error != null && Thread.currentThread() == caller) {
                failedInSend[0] = error;
            } else {
                acknowledged(event, error);
            }
        });
        if (failedInSend[0] instanceof RetriableException retriable) {
            throw retriable;
        }
        if (failedInSend[0] != null) {
            throw new UnsendableEvent(failedInSend[0]);
        }
        inFlight.incrementAndGet();
        if (event instanceof PendingEvent.Checkpoint checkpoint) {
            announcedByRun
                    .get(event.runId())
                    .add(event.step(), checkpoint.event().getSha256());
        }
    }

    /** Runs on the producer's I/O thread. */
    private void acknowledged(PendingEvent event, Exception error) {
        inFlight.decrementAndGet();
        window.release();
        if (error != null) {
            failed.incrementAndGet();
            if (event instanceof PendingEvent.Checkpoint) {
                announcedByRun
                        .get(event.runId())
                        .remove(
                                event.step(),
                                ((PendingEvent.Checkpoint) event).event().getSha256());
                log.error(
                        "Could not announce checkpoint {} step {}: {}; its file stays in the store, `republish` "
                                + "announces it again",
                        event.runId(),
                        event.step(),
                        error.toString());
            } else {
                log.warn(
                        "Could not publish progress of {} at step {}: {}",
                        event.runId(),
                        event.step(),
                        error.toString());
            }
            return;
        }
        delivered.incrementAndGet();
        lastHealthyNanos = System.nanoTime();
        if (inOutage.compareAndSet(true, false)) {
            log.warn(
                    "Kafka at {} is back after {} s: sending the {} waiting events in order ({} progress records "
                            + "dropped so far to keep the queue bound of {})",
                    config.bootstrapServers(),
                    (lastHealthyNanos - outageStartNanos) / 1_000_000_000,
                    waiting(),
                    queue.droppedProgress(),
                    config.queueBound());
        }
    }

    /** Called every ~100 ms by the publisher's watchdog: warns once when the broker has been silent too long. */
    void watchForOutage() {
        long now = System.nanoTime();
        if (waiting() == 0) {
            lastHealthyNanos = now;
            return;
        }
        if (!inOutage.get()
                && now - lastHealthyNanos > config.outageWarningAfter().toNanos()) {
            inOutage.set(true);
            outageStartNanos = lastHealthyNanos;
            outages.incrementAndGet();
            log.warn(
                    "Kafka at {} has not acknowledged anything for {} ms: training continues, {} events wait in "
                            + "the queue (bound {}, progress records are dropped first when it is full)",
                    config.bootstrapServers(),
                    (now - lastHealthyNanos) / 1_000_000,
                    waiting(),
                    config.queueBound());
        }
    }

    /** Events not yet acknowledged: queued, held by this thread, or in the producer. */
    int waiting() {
        return queue.size() + (current != null ? 1 : 0) + inFlight.get();
    }

    long delivered() {
        return delivered.get();
    }

    long skippedDuplicates() {
        return skippedDuplicates.get();
    }

    long failed() {
        return failed.get();
    }

    int outages() {
        return outages.get();
    }

    /** An event that no retry can send (it does not serialize, or the broker refuses it for good). */
    private static final class UnsendableEvent extends RuntimeException {
        UnsendableEvent(Throwable cause) {
            super(cause);
        }
    }
}
