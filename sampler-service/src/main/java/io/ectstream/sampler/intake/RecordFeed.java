package io.ectstream.sampler.intake;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.PollLoop;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic read in a consumer group by a plain KafkaConsumer in a {@link PollLoop} (a thread of its own), its
 * records handed to a Vert.x context. It exists for the revocation: Kafka calls the rebalance listener on the polling thread and
 * hands the partitions over when the listener returns, so only there can the finished work of a revoked
 * partition be committed before its next owner reads the committed offset (Vert.x's consumer runs its
 * revocation handler later, on the event loop, when the next owner may already be reading).
 * Cooperative rebalancing: a rebalance revokes only the partitions that move, the others keep flowing.
 * <p>
 * Back-pressure: the next records are fetched only after the context took the previous ones, and never while
 * {@link #pause(boolean)} holds the feed (the consumer keeps polling, paused, to stay in the group).
 */
public final class RecordFeed {
    private static final Logger log = LoggerFactory.getLogger(RecordFeed.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PAUSED_POLL = Duration.ofMillis(10);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_COMMIT_ATTEMPTS = 100;
    private static final PollLoop.Retry AUTHORIZATION_RETRY = new PollLoop.Retry(
            Duration.ofMillis(RequestIntake.AUTHORIZATION_RETRY_MS),
            Duration.ofMillis(RequestIntake.AUTHORIZATION_RETRY_MS));

    /** What the feed's owner does; every method runs on the owner's context. */
    public interface Owner {
        void assigned(Collection<TopicPartition> partitions);

        void records(List<ConsumerRecord<String, byte[]>> records);

        /** The partitions go to another instance: finish (bounded) and answer what to commit for them. */
        Future<Map<TopicPartition, OffsetAndMetadata>> revoking(Collection<TopicPartition> partitions);

        /** The partitions are gone already (the group moved on without this member): nothing can be committed. */
        void lost(Collection<TopicPartition> partitions);
    }

    private final Context context;
    private final String topic;
    private final String groupId;
    private final Owner owner;
    private final Duration revocationWait;
    private final KafkaClientSettings settings;
    private final Map<String, Object> consumerProperties;
    private final SamplerMetrics metrics;
    private KafkaClientMetrics consumerMeters;
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<java.util.function.Consumer<Consumer<String, byte[]>>> onPollThread =
            new ConcurrentLinkedQueue<>();
    private final AtomicBoolean handedOver = new AtomicBoolean(true);
    private final Semaphore taken = new Semaphore(0);
    private final Promise<Void> stopped = Promise.promise();
    private volatile boolean pausedByOwner;
    private volatile boolean closing;
    private final PollLoop<String, byte[]> loop;

    /**
     * @param settings the service's Kafka client settings (bootstrap servers, security)
     * @param revocationWait   how long a revocation may wait for the revoked partitions' requests to be answered
     */
    public RecordFeed(
            Context context,
            KafkaClientSettings settings,
            String topic,
            String groupId,
            int maxPollRecords,
            Duration revocationWait,
            SamplerMetrics metrics,
            Owner owner) {
        this.context = context;
        this.metrics = metrics;
        this.topic = topic;
        this.groupId = groupId;
        this.owner = owner;
        this.revocationWait = revocationWait;
        this.settings = settings;
        Map<String, Object> props = settings.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(1, maxPollRecords)));
        // The consumer group protocol (KIP-848) rebalances incrementally on the broker and allows no client assignor.
        if (!"consumer"
                .equalsIgnoreCase(
                        String.valueOf(props.getOrDefault(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")))) {
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ect-sampler-requests-" + groupId);
        this.consumerProperties = Map.copyOf(props);
        this.loop = PollLoop.over(newConsumer(), new Feed())
                .name("ect-feed-" + groupId)
                .subscribe(List.of(topic))
                .pollTimeout(POLL)
                .retry(AUTHORIZATION_RETRY)
                .renewAfterRefusal(this::newConsumer)
                .build();
        loop.done().whenComplete((state, e) -> stopped.tryComplete());
    }

    public void start() {
        loop.start();
    }

    /** Called by the loop (once at first, again after a refusal, when the loop closed the refused one). */
    private synchronized Consumer<String, byte[]> newConsumer() {
        if (consumerMeters != null) {
            consumerMeters.close();
        }
        KafkaConsumer<String, byte[]> created = KafkaClients.consumer(settings, consumerProperties);
        consumerMeters = metrics.bind(created);
        return created;
    }

    private synchronized void closeMeters() {
        if (consumerMeters != null) {
            consumerMeters.close();
            consumerMeters = null;
        }
    }

    /** Whether this instance owns the partition now (false from the moment its revocation began). */
    public boolean owns(TopicPartition partition) {
        return owned.contains(partition);
    }

    /** Holds (or releases) the fetching of records; the consumer stays in its group. */
    public void pause(boolean paused) {
        pausedByOwner = paused;
    }

    /**
     * Commits on the polling thread; completes on the context when the broker answered. A commit refused because a
     * rebalance is under way is tried again once the next poll took part in it.
     */
    public Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Promise<Void> done = Promise.promise();
        onPollThread.add(consumer -> commitOnPollThread(consumer, offsets, done, 1));
        return done.future();
    }

    private void commitOnPollThread(
            Consumer<String, byte[]> consumer,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            Promise<Void> done,
            int attempt) {
        // Only partitions still owned: a revoked one was committed by its revocation, and its next owner's
        // commits must not be overwritten by an older position.
        Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>(offsets);
        mine.keySet().retainAll(consumer.assignment());
        if (mine.isEmpty()) {
            context.runOnContext(v -> done.tryComplete());
            return;
        }
        consumer.commitAsync(mine, (committed, e) -> {
            if (e instanceof RebalanceInProgressException && !closing && attempt < MAX_COMMIT_ATTEMPTS) {
                onPollThread.add(next -> commitOnPollThread(next, offsets, done, attempt + 1));
                return;
            }
            context.runOnContext(v -> {
                if (e == null) {
                    done.tryComplete();
                } else {
                    done.tryFail(e);
                }
            });
        });
    }

    /** Stops polling and leaves the group without committing (the owner committed what it meant to before). */
    public Future<Void> close() {
        closing = true;
        loop.stopAsync();
        return stopped.future();
    }

    /** Runs on the loop's thread; the rebalance methods inside poll(): the partitions change hands when they return. */
    private final class Feed implements PollLoop.Handler<String, byte[]> {
        /** Whether the last poll was made with every partition paused (a partition assigned in it is paused too). */
        private boolean holding;

        @Override
        public Duration beforePoll(Consumer<String, byte[]> consumer, Duration pollTimeout)
                throws InterruptedException {
            for (var r = onPollThread.poll(); r != null; r = onPollThread.poll()) {
                r.accept(consumer);
            }
            if (!handedOver.get()) {
                // The context has not taken the last records yet: wait for it (woken as soon as it does).
                taken.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            holding = pausedByOwner || !handedOver.get();
            if (holding) {
                consumer.pause(consumer.assignment());
            } else if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
            // Paused, a poll only keeps the consumer in its group and runs commit callbacks: a short one, so that a
            // resume is not held up.
            return holding ? PAUSED_POLL : pollTimeout;
        }

        @Override
        public void handle(PollLoop.Batch<String, byte[]> batch) {
            if (batch.records().isEmpty()) {
                return;
            }
            List<ConsumerRecord<String, byte[]>> records =
                    new ArrayList<>(batch.records().count());
            batch.records().forEach(records::add);
            handedOver.set(false);
            context.runOnContext(v -> {
                handedOver.set(true);
                taken.release();
                owner.records(records);
            });
        }

        @Override
        public void assigned(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
            if (partitions.isEmpty()) {
                return;
            }
            if (holding) {
                consumer.pause(partitions);
            }
            owned.addAll(partitions);
            List<TopicPartition> copy = List.copyOf(partitions);
            context.runOnContext(v -> owner.assigned(copy));
        }

        @Override
        public void revoked(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
            if (partitions.isEmpty()) {
                return;
            }
            owned.removeAll(partitions);
            if (closing) {
                return;
            }
            List<TopicPartition> copy = List.copyOf(partitions);
            CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = new CompletableFuture<>();
            context.runOnContext(v -> owner.revoking(copy).onComplete(done -> {
                if (done.succeeded()) {
                    offsets.complete(done.result());
                } else {
                    offsets.completeExceptionally(done.cause());
                }
            }));
            try {
                Map<TopicPartition, OffsetAndMetadata> toCommit =
                        offsets.get(revocationWait.toMillis() + COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!toCommit.isEmpty()) {
                    consumer.commitSync(toCommit, COMMIT_TIMEOUT);
                }
                log.info("partitions {} revoked; committed {}", copy, toCommit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn(
                        "partitions {} revoked without a final commit ({}): their unanswered requests will be redelivered",
                        copy,
                        e.toString());
            }
        }

        @Override
        public void lost(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
            owned.removeAll(partitions);
            List<TopicPartition> copy = List.copyOf(partitions);
            context.runOnContext(v -> owner.lost(copy));
        }

        @Override
        public boolean retrying(RuntimeException cause, Duration delay) {
            if (cause instanceof AuthorizationException) {
                // Not fatal: the ACLs may be granted later; the service keeps serving HTTP meanwhile.
                log.error(
                        "Kafka refuses the request consumer ({}): its user needs DESCRIBE and READ on topic {} and READ on group {};"
                                + " retrying in {} s",
                        cause.getMessage(),
                        topic,
                        groupId,
                        delay.toSeconds());
                return true;
            }
            return false;
        }

        @Override
        public void stopped() {
            closeMeters();
        }
    }
}
