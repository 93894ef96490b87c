package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The poll loop's life on the real broker: close, failures, retries, catching up and commits across a restart. */
@BrokerTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PollLoopOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PollLoop.Retry FAST = new PollLoop.Retry(Duration.ofMillis(50), Duration.ofMillis(200));

    private static KafkaConsumer<String, byte[]> consumer(KafkaCluster kafka, String group) {
        Map<String, Object> props = new java.util.HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return KafkaClients.consumer(KafkaClientSettings.of(kafka.bootstrapServers()), props);
    }

    /** Writes {@code value}s {@code from} to {@code to} (exclusive), all in partition 0; the end offset after them. */
    private static Map<TopicPartition, Long> produce(KafkaCluster kafka, String topic, int from, int to)
            throws Exception {
        long end = 0;
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.producer(KafkaClientSettings.of(kafka.bootstrapServers()), Map.of())) {
            for (int i = from; i < to; i++) {
                end = producer.send(new ProducerRecord<>(topic, 0, "k" + i, new byte[] {(byte) i}))
                                .get()
                                .offset()
                        + 1;
            }
        }
        return Map.of(new TopicPartition(topic, 0), end);
    }

    /** A handler that keeps the keys it is given. */
    private static class Keys implements PollLoop.Handler<String, byte[]> {
        final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handle(PollLoop.Batch<String, byte[]> batch) {
            batch.records().forEach(r -> seen.add(r.key()));
        }
    }

    @Test
    void closeWakesALoopBlockedInPoll(KafkaCluster kafka) throws Exception {
        kafka.createTopics(1, "pl.idle");
        CountDownLatch assigned = new CountDownLatch(1);
        PollLoop<String, byte[]> loop = PollLoop.over(consumer(kafka, null), new PollLoop.Handler<String, byte[]>() {
                    @Override
                    public void handle(PollLoop.Batch<String, byte[]> batch) {}

                    @Override
                    public void assigned(Collection<TopicPartition> partitions, Consumer<String, byte[]> consumer) {
                        assigned.countDown();
                    }
                })
                .assignAll("pl.idle", PollLoop.Start.END)
                .pollTimeout(Duration.ofMinutes(5))
                .start();
        assertTrue(assigned.await(30, TimeUnit.SECONDS));
        // close() returns once the loop has stopped: waiting out the 5-minute poll would trip the class's @Timeout
        loop.close();
        assertEquals(PollLoop.State.STOPPED, loop.state());
        assertTrue(loop.failure().isEmpty());
        assertFalse(loop.running());
    }

    @Test
    void aHandlerExceptionFailsTheLoopAndItsBatchStaysUncommitted(KafkaCluster kafka) throws Exception {
        kafka.createTopics(1, "pl.fail");
        Map<TopicPartition, Long> end = produce(kafka, "pl.fail", 0, 5);
        CountDownLatch stopped = new CountDownLatch(1);
        PollLoop<String, byte[]> failing = PollLoop.over(
                        consumer(kafka, "pl-fail"), new PollLoop.Handler<String, byte[]>() {
                            @Override
                            public void handle(PollLoop.Batch<String, byte[]> batch) {
                                if (!batch.records().isEmpty()) {
                                    // retriable for the consumer, but from a handler it is not retried: the
                                    // loop would go on after the batch and skip the rest of it
                                    throw new org.apache.kafka.common.errors.TimeoutException("handler bug");
                                }
                            }

                            @Override
                            public void stopped() {
                                stopped.countDown();
                            }
                        })
                .subscribe(List.of("pl.fail"))
                .commitEveryBatch()
                .start();
        assertTrue(stopped.await(30, TimeUnit.SECONDS));
        failing.close();
        assertEquals(PollLoop.State.FAILED, failing.state());
        Throwable failure = failing.failure().orElseThrow();
        assertEquals(org.apache.kafka.common.errors.TimeoutException.class, failure.getClass());
        assertEquals("handler bug", failure.getMessage());
        assertFalse(failing.awaitCaughtUp(Duration.ZERO));

        Keys keys = new Keys();
        try (PollLoop<String, byte[]> next = PollLoop.over(consumer(kafka, "pl-fail"), keys)
                .subscribe(List.of("pl.fail"))
                .commitEveryBatch()
                .start()) {
            assertTrue(next.awaitHandled(end, WAIT));
        }
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), keys.seen);
    }

    @Test
    void aMissingTopicIsRetriedUntilItExists(KafkaCluster kafka) throws Exception {
        AtomicInteger retries = new AtomicInteger();
        CountDownLatch retried = new CountDownLatch(2);
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (PollLoop<String, byte[]> loop = PollLoop.over(
                        consumer(kafka, null), new PollLoop.Handler<String, byte[]>() {
                            @Override
                            public void handle(PollLoop.Batch<String, byte[]> batch) {
                                batch.records().forEach(r -> seen.add(r.key()));
                            }

                            @Override
                            public boolean retrying(RuntimeException cause, Duration delay) {
                                retries.incrementAndGet();
                                retried.countDown();
                                return false;
                            }
                        })
                .assignAll("pl.late", PollLoop.Start.BEGINNING)
                .retry(FAST)
                .start()) {
            assertTrue(retried.await(30, TimeUnit.SECONDS));
            assertEquals(PollLoop.State.RETRYING, loop.state());
            assertTrue(loop.running());
            kafka.createTopics(1, "pl.late");
            Map<TopicPartition, Long> end = produce(kafka, "pl.late", 0, 3);
            assertTrue(loop.awaitHandled(end, WAIT));
            assertEquals(PollLoop.State.RUNNING, loop.state());
            assertEquals(List.of("k0", "k1", "k2"), seen);
        }
        assertTrue(retries.get() >= 2);
    }

    @Test
    void aRetryTheHandlerReportsItselfGetsNoSecondLine(KafkaCluster kafka) throws Exception {
        Logger loopLog = (Logger) LoggerFactory.getLogger(PollLoop.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        loopLog.addAppender(captured);
        AtomicInteger unreported = new AtomicInteger();
        CountDownLatch retried = new CountDownLatch(4);
        try {
            PollLoop<String, byte[]> loop = PollLoop.over(
                            consumer(kafka, null), new PollLoop.Handler<String, byte[]>() {
                                private int calls;

                                @Override
                                public void handle(PollLoop.Batch<String, byte[]> batch) {}

                                @Override
                                public boolean retrying(RuntimeException cause, Duration delay) {
                                    retried.countDown();
                                    boolean reported = calls++ % 2 == 0;
                                    if (!reported) {
                                        unreported.incrementAndGet();
                                    }
                                    return reported;
                                }
                            })
                    .assignAll("pl.never", PollLoop.Start.BEGINNING)
                    .retry(FAST)
                    .start();
            assertTrue(retried.await(30, TimeUnit.SECONDS));
            loop.close();
            loop.done().get(30, TimeUnit.SECONDS);
        } finally {
            loopLog.detachAppender(captured);
        }
        long loopRetryLines = captured.list.stream()
                .filter(e ->
                        e.getLevel() == Level.WARN && e.getFormattedMessage().contains("retrying in"))
                .count();
        assertTrue(unreported.get() >= 2, "some retries were left to the loop to report");
        assertEquals(
                unreported.get(), loopRetryLines, "one line per retry: the loop's only where the handler wrote none");
    }

    @Test
    void awaitCaughtUpReturnsOnceTheBacklogIsHandled(KafkaCluster kafka) throws Exception {
        kafka.createTopics(3, "pl.backlog");
        produce(kafka, "pl.backlog", 0, 20);
        Keys keys = new Keys();
        try (PollLoop<String, byte[]> loop = PollLoop.over(consumer(kafka, null), keys)
                .assignAll("pl.backlog", PollLoop.Start.BEGINNING)
                .start()) {
            assertTrue(loop.awaitCaughtUp(WAIT));
            assertEquals(20, keys.seen.size());
        }
    }

    @Test
    void aRestartOfACommittingLoopNeitherSkipsNorRepeatsARecord(KafkaCluster kafka) throws Exception {
        kafka.createTopics(1, "pl.restart");
        Keys keys = new Keys();
        Map<TopicPartition, Long> first = produce(kafka, "pl.restart", 0, 10);
        try (PollLoop<String, byte[]> loop = PollLoop.over(consumer(kafka, "pl-restart"), keys)
                .subscribe(List.of("pl.restart"))
                .commitEveryBatch()
                .start()) {
            assertTrue(loop.awaitHandled(first, WAIT));
        }
        Map<TopicPartition, Long> second = produce(kafka, "pl.restart", 10, 20);
        try (PollLoop<String, byte[]> loop = PollLoop.over(consumer(kafka, "pl-restart"), keys)
                .subscribe(List.of("pl.restart"))
                .commitEveryBatch()
                .start()) {
            assertTrue(loop.awaitHandled(second, WAIT));
        }
        assertEquals(IntStream.range(0, 20).mapToObj(i -> "k" + i).toList(), keys.seen);
    }

    @Test
    void closingBeforeTheStartOrTwiceIsHarmless(KafkaCluster kafka) throws Exception {
        PollLoop<String, byte[]> never = PollLoop.over(consumer(kafka, null), new Keys())
                .assignAll("pl.never", PollLoop.Start.END)
                .build();
        never.close();
        assertEquals(PollLoop.State.STOPPED, never.done().get(10, TimeUnit.SECONDS));
        never.start();
        assertFalse(never.running(), "a closed loop does not start");

        kafka.createTopics(1, "pl.twice");
        PollLoop<String, byte[]> twice = PollLoop.over(consumer(kafka, null), new Keys())
                .assignAll("pl.twice", PollLoop.Start.END)
                .start();
        assertTrue(twice.awaitCaughtUp(WAIT));
        twice.close();
        twice.close();
        assertEquals(PollLoop.State.STOPPED, twice.done().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aHandlerHoldsRecordsBackByPausingBeforeThePoll(KafkaCluster kafka) throws Exception {
        kafka.createTopics(1, "pl.hold");
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean(true);
        CountDownLatch heldPolls = new CountDownLatch(20);
        Keys keys = new Keys() {
            @Override
            public Duration beforePoll(Consumer<String, byte[]> consumer, Duration pollTimeout) {
                if (hold.get()) {
                    consumer.pause(consumer.assignment());
                    heldPolls.countDown();
                } else {
                    consumer.resume(consumer.paused());
                }
                return pollTimeout;
            }
        };
        Map<TopicPartition, Long> end = produce(kafka, "pl.hold", 0, 3);
        try (PollLoop<String, byte[]> loop = PollLoop.over(consumer(kafka, null), keys)
                .assignAll("pl.hold", PollLoop.Start.BEGINNING)
                .pollTimeout(Duration.ofMillis(20))
                .start()) {
            assertTrue(heldPolls.await(30, TimeUnit.SECONDS));
            assertEquals(List.of(), keys.seen, "nothing is read while the handler holds its partitions");
            hold.set(false);
            assertTrue(loop.awaitHandled(end, WAIT));
            assertEquals(List.of("k0", "k1", "k2"), keys.seen);
        }
    }
}
