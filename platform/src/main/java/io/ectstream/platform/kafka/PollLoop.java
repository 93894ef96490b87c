package io.ectstream.platform.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer on its own thread: attaches it (subscribes, or assigns every partition of a topic), polls, and hands
 * every poll's records to a {@link Handler}, until closed. One policy for every loop:
 * <ul>
 * <li>Authorization failures, retriable errors and a topic that does not exist yet are retried after a delay that
 *     doubles up to {@link Retry#max()} ({@link State#RETRYING}); positions are kept, so nothing is skipped or read
 *     again.</li>
 * <li>Any other error, and any exception of the handler, stops the loop ({@link State#FAILED}, {@link #failure()});
 *     the batch it was handling is not committed, so a group's next reader gets it again.</li>
 * <li>{@link #close()} wakes the consumer up (also in a poll, a metadata wait or a retry delay) and closes it on the
 *     loop's thread.</li>
 * </ul>
 * The loop owns the consumer it is given: only the loop's thread uses it (the handler is called on that thread).
 * A handler that holds records back (back-pressure) pauses partitions in {@link Handler#beforePoll}; one that must
 * commit before its partitions change hands does it in {@link Handler#revoked}, which Kafka runs inside the poll.
 */
public final class PollLoop<K, V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

    /** Where a loop is in its life. */
    public enum State {
        NEW,
        RUNNING,
        RETRYING,
        STOPPED,
        FAILED
    }

    /** Where an assigned topic is read from. */
    public enum Start {
        BEGINNING,
        END
    }

    /**
     * The delays between retries: {@code first}, doubled per failed attempt up to {@code max}, back to {@code first}
     * after a poll that succeeds.
     */
    public record Retry(Duration first, Duration max) {
        public static final Retry DEFAULT = new Retry(Duration.ofSeconds(1), Duration.ofSeconds(10));

        public Retry {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("retry delays must be positive, max at least first");
            }
        }

        Duration after(int failures) {
            Duration d = first.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
            return d.compareTo(max) > 0 ? max : d;
        }
    }

    /** What the loop does with records. Every method runs on the loop's thread. */
    public interface Handler<K, V> {
        /** Every poll's records, also when there are none (so a handler can do timed work). */
        void handle(Batch<K, V> batch) throws Exception;

        /** Partitions given to this consumer (in a group: inside the rebalance, before their records are polled). */
        default void assigned(Collection<TopicPartition> partitions, Consumer<K, V> consumer) {}

        /**
         * Partitions taken away in a rebalance, called inside the poll: they change hands when it returns, so a
         * commit made here (with {@code consumer}) is what their next owner reads from.
         */
        default void revoked(Collection<TopicPartition> partitions, Consumer<K, V> consumer) {}

        /**
         * Partitions the group gave to another member already (this one missed its session): nothing can be
         * committed for them any more. By default handled as {@link #revoked}.
         */
        default void lost(Collection<TopicPartition> partitions, Consumer<K, V> consumer) {
            revoked(partitions, consumer);
        }

        /**
         * Runs before every poll: may pause or resume partitions and use the consumer (commits, positions); answers
         * how long this poll waits for records (by default the loop's {@code pollTimeout}).
         */
        default Duration beforePoll(Consumer<K, V> consumer, Duration pollTimeout) throws Exception {
            return pollTimeout;
        }

        /**
         * Something failed that the loop retries after {@code delay}. Answers true when the handler logged the retry
         * itself (a line naming what its user needs), so that the loop adds no second line for the same event.
         */
        default boolean retrying(RuntimeException cause, Duration delay) {
            return false;
        }

        /** The loop ends (closed or failed); the consumer is still open. */
        default void stopped() {}
    }

    /** One poll's records, with what the handler may ask of the loop. */
    public static final class Batch<K, V> {
        private final ConsumerRecords<K, V> records;
        private final boolean caughtUp;
        private final Consumer<K, V> consumer;
        private boolean commit;

        Batch(ConsumerRecords<K, V> records, boolean caughtUp, Consumer<K, V> consumer) {
            this.records = records;
            this.caughtUp = caughtUp;
            this.consumer = consumer;
        }

        public ConsumerRecords<K, V> records() {
            return records;
        }

        /** Whether every assigned partition is read up to the end offset it had when it was assigned. */
        public boolean caughtUp() {
            return caughtUp;
        }

        /** The loop's consumer (for positions, committed offsets); valid only during {@link Handler#handle}. */
        public Consumer<K, V> consumer() {
            return consumer;
        }

        /** Commits the positions after this batch once the handler returns (it does nothing on an exception). */
        public void commit() {
            this.commit = true;
        }
    }

    private volatile Consumer<K, V> consumer;
    private final Supplier<Consumer<K, V>> renewal;
    private final Handler<K, V> handler;
    private final String name;
    private final List<String> subscribed;
    private final String assignedTopic;
    private final Start start;
    private final Retry retry;
    private final boolean commitEveryBatch;
    private final BiFunction<TopicPartition, Long, OffsetAndMetadata> committedAs;
    private final Duration pollTimeout;
    private final Map<TopicPartition, Long> catchUpEnd = new HashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Object progress = new Object();
    private final CompletableFuture<State> done = new CompletableFuture<>();
    private Map<TopicPartition, Long> handled = Map.of();
    private boolean everCaughtUp;
    private volatile State state = State.NEW;
    private volatile Throwable failure;
    private Thread thread;

    private PollLoop(Builder<K, V> b) {
        this.consumer = b.consumer;
        this.renewal = b.renewal;
        this.handler = b.handler;
        this.name = b.name;
        this.subscribed = b.subscribed;
        this.assignedTopic = b.assignedTopic;
        this.start = b.start;
        this.retry = b.retry;
        this.commitEveryBatch = b.commitEveryBatch;
        this.committedAs = b.committedAs;
        this.pollTimeout = b.pollTimeout;
    }

    /** A loop over {@code consumer}, which it owns from now on, that hands its records to {@code handler}. */
    public static <K, V> Builder<K, V> over(Consumer<K, V> consumer, Handler<K, V> handler) {
        return new Builder<>(consumer, handler);
    }

    /** How a loop attaches, retries, commits and names its thread. */
    public static final class Builder<K, V> {
        private final Consumer<K, V> consumer;
        private final Handler<K, V> handler;
        private String name = "poll-loop";
        private List<String> subscribed;
        private String assignedTopic;
        private Start start;
        private Retry retry = Retry.DEFAULT;
        private boolean commitEveryBatch;
        private BiFunction<TopicPartition, Long, OffsetAndMetadata> committedAs =
                (tp, offset) -> new OffsetAndMetadata(offset);
        private Duration pollTimeout = Duration.ofMillis(200);
        private Supplier<Consumer<K, V>> renewal;

        private Builder(Consumer<K, V> consumer, Handler<K, V> handler) {
            this.consumer = Objects.requireNonNull(consumer);
            this.handler = Objects.requireNonNull(handler);
        }

        /** The thread's name, also in log lines. */
        public Builder<K, V> name(String name) {
            this.name = name;
            return this;
        }

        /** Reads in the consumer's group (group.id set on the consumer). */
        public Builder<K, V> subscribe(Collection<String> topics) {
            this.subscribed = List.copyOf(topics);
            this.assignedTopic = null;
            return this;
        }

        /** Reads every partition of {@code topic} without a group, from its beginning or its end now. */
        public Builder<K, V> assignAll(String topic, Start from) {
            this.assignedTopic = Objects.requireNonNull(topic);
            this.start = Objects.requireNonNull(from);
            this.subscribed = null;
            return this;
        }

        public Builder<K, V> retry(Retry retry) {
            this.retry = Objects.requireNonNull(retry);
            return this;
        }

        /** Commits the positions after every batch the handler returns from (else only when it asks). */
        public Builder<K, V> commitEveryBatch() {
            this.commitEveryBatch = true;
            return this;
        }

        /** What a commit stores for a partition's position (default: the offset without metadata). */
        public Builder<K, V> committedAs(BiFunction<TopicPartition, Long, OffsetAndMetadata> committedAs) {
            this.committedAs = Objects.requireNonNull(committedAs);
            return this;
        }

        /** How long one poll waits for records (the handler is called at least this often). */
        public Builder<K, V> pollTimeout(Duration pollTimeout) {
            this.pollTimeout = Objects.requireNonNull(pollTimeout);
            return this;
        }

        /**
         * After an authorization failure, closes the consumer and attaches a new one from {@code renewal} before
         * the retry: a consumer that its group was refused to stays stuck in its coordinator state after the grant.
         */
        public Builder<K, V> renewAfterRefusal(Supplier<Consumer<K, V>> renewal) {
            this.renewal = Objects.requireNonNull(renewal);
            return this;
        }

        public PollLoop<K, V> build() {
            if (subscribed == null && assignedTopic == null) {
                throw new IllegalStateException("a poll loop needs topics to subscribe to or a topic to assign");
            }
            return new PollLoop<>(this);
        }

        /** Builds and starts the loop. */
        public PollLoop<K, V> start() {
            return build().start();
        }
    }

    public synchronized PollLoop<K, V> start() {
        if (thread != null) {
            throw new IllegalStateException(name + " was started already");
        }
        if (closing.getCount() == 0) {
            return this; // closed before it started: nothing to run
        }
        state = State.RUNNING;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public State state() {
        return state;
    }

    /** Started and neither stopped nor failed (retrying counts as running). */
    public boolean running() {
        State s = state;
        return s == State.RUNNING || s == State.RETRYING;
    }

    /**
     * Completes with {@link State#STOPPED} or {@link State#FAILED} once the loop ended and closed its consumer (on the
     * loop's thread, or on the closing one when the loop never started).
     */
    public CompletableFuture<State> done() {
        return done;
    }

    /** Why the loop failed, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits until every partition assigned so far was read, and its records handled, up to the end offset it had
     * when it was assigned; false when that did not happen in time or the loop stopped first.
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return await(timeout, () -> everCaughtUp);
    }

    /**
     * Waits until the records before {@code offsets} (exclusive end offsets per partition) were handled; false when
     * that did not happen in time or the loop stopped first.
     */
    public boolean awaitHandled(Map<TopicPartition, Long> offsets, Duration timeout) throws InterruptedException {
        return await(
                timeout,
                () -> offsets.entrySet().stream().allMatch(e -> handled.getOrDefault(e.getKey(), 0L) >= e.getValue()));
    }

    private boolean await(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !(running() || state == State.NEW)) {
                    return condition.getAsBoolean();
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    private void run() {
        int failures = 0;
        boolean attached = false;
        try {
            while (closing.getCount() > 0) {
                try {
                    if (!attached) {
                        attached = attach();
                        if (!attached) {
                            throw new MissingTopic(assignedTopic);
                        }
                    }
                    pollOnce();
                    if (failures > 0) {
                        log.info("{} recovered after {} failed attempt(s)", name, failures);
                        failures = 0;
                    }
                } catch (AuthorizationException | RetriableException | MissingTopic e) {
                    failures++;
                    Duration delay = retry.after(failures);
                    state = State.RETRYING;
                    if (!handler.retrying(e, delay)) {
                        log.warn("{}: {}; retrying in {} ms", name, describe(e), delay.toMillis());
                    }
                    signal();
                    if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    if (e instanceof AuthorizationException && renewal != null) {
                        renewConsumer();
                        attached = false;
                    }
                }
            }
            state = State.STOPPED;
        } catch (WakeupException e) {
            if (closing.getCount() > 0) {
                fail(e);
            } else {
                state = State.STOPPED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.STOPPED;
        } catch (Exception | Error e) {
            fail(e);
        } finally {
            try {
                handler.stopped();
            } catch (RuntimeException e) {
                log.error("{}: its handler failed while stopping", name, e);
            }
            consumer.close(Duration.ofSeconds(5));
            signal();
            done.complete(state);
        }
    }

    private void renewConsumer() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("{}: closing the refused consumer: {}", name, e.toString());
        }
        catchUpEnd.clear();
        consumer = renewal.get();
        if (closing.getCount() == 0) {
            consumer.wakeup(); // closed while the new one was made: its first call ends the loop
        }
    }

    private void fail(Throwable e) {
        if (e instanceof HandlerFailure) {
            e = e.getCause();
        }
        failure = e;
        state = State.FAILED;
        log.error("{} stopped: {}", name, e.toString(), e);
    }

    private static String describe(RuntimeException e) {
        if (e instanceof AuthorizationException) {
            return "Kafka refuses access (" + e.getMessage() + "): its user needs DESCRIBE and READ on the topics";
        }
        return e.toString();
    }

    /** Subscribes, or assigns and positions; false when the topic to assign does not exist (yet). */
    private boolean attach() {
        if (subscribed != null) {
            consumer.subscribe(subscribed, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // the handler first: should the end offsets fail (retried), it still knows what it was given
                    handler.assigned(partitions, consumer);
                    catchUpEnd.putAll(consumer.endOffsets(partitions));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(catchUpEnd::remove);
                    handler.revoked(partitions, consumer);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(catchUpEnd::remove);
                    handler.lost(partitions, consumer);
                }
            });
            return true;
        }
        List<TopicPartition> partitions = consumer.partitionsFor(assignedTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions);
        if (start == Start.BEGINNING) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position); // fixes the start now, not at the first poll
        catchUpEnd.putAll(consumer.endOffsets(partitions));
        handler.assigned(partitions, consumer);
        return true;
    }

    private void pollOnce() throws Exception {
        Duration wait;
        try {
            wait = handler.beforePoll(consumer, pollTimeout);
        } catch (WakeupException e) {
            throw e;
        } catch (Exception e) {
            throw new HandlerFailure(e);
        }
        ConsumerRecords<K, V> records = consumer.poll(wait);
        state = State.RUNNING;
        Batch<K, V> batch = new Batch<>(records, caughtUp(), consumer);
        try {
            handler.handle(batch);
        } catch (WakeupException e) {
            throw e;
        } catch (Exception e) {
            // not retried, even when retriable: the rest of the batch would be skipped
            throw new HandlerFailure(e);
        }
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            positions.put(tp, consumer.position(tp));
        }
        if (batch.commit || commitEveryBatch && !records.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            positions.forEach((tp, offset) -> offsets.put(tp, committedAs.apply(tp, offset)));
            consumer.commitSync(offsets);
        }
        synchronized (progress) {
            handled = positions;
            everCaughtUp |= batch.caughtUp;
            progress.notifyAll();
        }
    }

    /** Whether every assigned partition was read up to the end offset it had at assignment. */
    private boolean caughtUp() {
        for (TopicPartition tp : consumer.assignment()) {
            Long end = catchUpEnd.get(tp);
            if (end != null) {
                if (consumer.position(tp) < end) {
                    return false;
                }
                catchUpEnd.remove(tp);
            }
        }
        return subscribed == null || !consumer.assignment().isEmpty();
    }

    private void signal() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Stops the loop: wakes the consumer up, waits up to 10 s for the loop's thread to close it. */
    @Override
    public void close() {
        Thread t = stop();
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Asks the loop to stop, as {@link #close()} does, without waiting for it: {@link #done()} completes once it
     * closed its consumer. For a caller that must not block (an event loop).
     */
    public void stopAsync() {
        stop();
    }

    private Thread stop() {
        closing.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
            if (t == null) {
                if (state == State.NEW) {
                    state = State.STOPPED;
                    consumer.close(Duration.ofSeconds(5));
                    done.complete(state);
                }
                return null;
            }
        }
        if (t.isAlive()) {
            consumer.wakeup(); // a second close finds the consumer closed and the thread gone
        }
        return t;
    }

    /** The handler's exception, kept apart from the consumer's own (which may be retried). */
    private static final class HandlerFailure extends RuntimeException {
        HandlerFailure(Exception cause) {
            super(cause);
        }
    }

    private static final class MissingTopic extends RuntimeException {
        MissingTopic(String topic) {
            super("topic " + topic + " does not exist yet");
        }
    }
}
