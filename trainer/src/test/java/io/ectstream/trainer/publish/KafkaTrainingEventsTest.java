package io.ectstream.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BrokerTest
class KafkaTrainingEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path store;

    private static PublisherConfig config(KafkaCluster kafka, Topics topics) {
        return PublisherConfig.of(kafka.bootstrapServers()).withTopics(topics).withCloseTimeout(Duration.ofSeconds(20));
    }

    @Test
    void eventsArriveInOrderAndEachHashMatchesItsFile(KafkaCluster kafka) throws Exception {
        Topics topics = TestEvents.uniqueTopics();
        List<Path> files = new ArrayList<>();
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(config(kafka, topics))) {
            for (int i = 1; i <= 6; i++) {
                long step = i * 500L;
                events.progress(TestEvents.progress("run-a", step - 250));
                Path file = TestEvents.writeCheckpointFile(store, "run-a", step, 20_000 + i * 1_000);
                files.add(file);
                events.checkpointWritten(TestEvents.checkpoint(store, "run-a", step, file));
            }
        }
        List<CheckpointEvent> received =
                TestEvents.checkpoints(kafka.bootstrapServers(), topics.checkpoints(), 6, WAIT);
        assertEquals(6, received.size());
        for (int i = 0; i < 6; i++) {
            CheckpointEvent event = received.get(i);
            Path file = files.get(i);
            assertEquals((i + 1) * 500L, event.getStep(), "order");
            assertEquals("run-a", event.getRunId());
            assertEquals(TestEvents.sha256(file), event.getSha256());
            assertEquals(java.nio.file.Files.size(file), event.getSizeBytes());
            assertEquals(store.resolve(event.getCheckpointUri()), file);
        }
        List<TrainingProgress> progress =
                TestEvents.progressRecords(kafka.bootstrapServers(), topics.progress(), 6, WAIT);
        assertEquals(
                List.of(250L, 750L, 1250L, 1750L, 2250L, 2750L),
                progress.stream().map(TrainingProgress::getStep).toList());
    }

    @Test
    void aResumedRunDoesNotAnnounceTheSameCheckpointTwice(KafkaCluster kafka) throws Exception {
        Topics topics = TestEvents.uniqueTopics();
        Path f1 = TestEvents.writeCheckpointFile(store, "run-b", 1000, 5_000);
        Path f2 = TestEvents.writeCheckpointFile(store, "run-b", 2000, 5_000);
        Path other = TestEvents.writeCheckpointFile(store, "run-c", 2000, 5_000);
        try (KafkaTrainingEvents first = new KafkaTrainingEvents(config(kafka, topics))) {
            first.checkpointWritten(TestEvents.checkpoint(store, "run-b", 1000, f1));
            first.checkpointWritten(TestEvents.checkpoint(store, "run-b", 2000, f2));
            first.checkpointWritten(TestEvents.checkpoint(store, "run-b", 2000, f2)); // same process, same step
        }
        // "killed" after step 2000; the resumed process announces the checkpoint it resumed from, then goes on
        Path f3 = TestEvents.writeCheckpointFile(store, "run-b", 3000, 5_000);
        try (KafkaTrainingEvents resumed = new KafkaTrainingEvents(config(kafka, topics))) {
            resumed.checkpointWritten(TestEvents.checkpoint(store, "run-b", 2000, f2));
            resumed.checkpointWritten(TestEvents.checkpoint(store, "run-c", 2000, other));
            resumed.checkpointWritten(TestEvents.checkpoint(store, "run-b", 3000, f3));
            TestEvents.awaitDelivered(resumed, 3, WAIT);
            assertEquals(1, resumed.skippedDuplicates());
        }
        // step 3000 rewritten with other bytes (a rerun from an older checkpoint): a different file, announced
        String f3Hash = TestEvents.sha256(f3);
        Path f3b = TestEvents.writeCheckpointFile(store, "run-b", 3000, 6_000);
        try (KafkaTrainingEvents again = new KafkaTrainingEvents(config(kafka, topics))) {
            again.checkpointWritten(TestEvents.checkpoint(store, "run-b", 3000, f3b));
        }
        List<CheckpointEvent> received =
                TestEvents.checkpoints(kafka.bootstrapServers(), topics.checkpoints(), 5, WAIT);
        List<String> announced =
                received.stream().map(e -> e.getRunId() + "@" + e.getStep()).toList();
        assertEquals(List.of("run-b@1000", "run-b@2000", "run-c@2000", "run-b@3000", "run-b@3000"), announced);
        assertEquals(f3Hash, received.get(3).getSha256());
        assertEquals(TestEvents.sha256(f3b), received.get(4).getSha256());
    }

    @Test
    void anUnreachableBrokerNeverBlocksTheTrainingThread() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PublisherConfig config = new PublisherConfig(
                KafkaClientSettings.of("127.0.0.1:" + closedPort),
                TestEvents.uniqueTopics(),
                50,
                Duration.ofMillis(300),
                Duration.ofMillis(500));
        Path file = TestEvents.writeCheckpointFile(store, "run-d", 1, 1_000);
        CheckpointEvent checkpoint = TestEvents.checkpoint(store, "run-d", 1, file);
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(config)) {
            TestEvents.trainingThread(
                    () -> {
                        for (int i = 0; i < 2_000; i++) {
                            if (i % 100 == 0) {
                                events.checkpointWritten(checkpoint);
                            } else {
                                events.progress(TestEvents.progress("run-d", i));
                            }
                        }
                    },
                    WAIT);
            assertEquals(0, events.delivered());
            assertTrue(events.waiting() <= 50 + 1, "bounded: " + events.waiting());
            assertEquals(0, events.droppedCheckpoints(), "20 checkpoint events fit in a bound of 50");
            assertTrue(events.droppedProgress() >= 2_000 - 20 - 51, "dropped " + events.droppedProgress());
            Await.until(() -> events.outages() > 0, WAIT, "the outage warning");
            assertEquals(1, events.outages(), "one warning for the outage");
        }
    }

    @Test
    void aBrokerHostThatDoesNotResolveDoesNotStopTraining() throws Exception {
        PublisherConfig config = PublisherConfig.of("kafka.invalid:9092")
                .withTopics(TestEvents.uniqueTopics())
                .withOutageWarningAfter(Duration.ofMillis(300))
                .withCloseTimeout(Duration.ofMillis(300));
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(config)) {
            TestEvents.trainingThread(
                    () -> {
                        events.progress(TestEvents.progress("run-e", 1));
                        try {
                            events.checkpointWritten(TestEvents.checkpoint(
                                    store, "run-e", 2, TestEvents.writeCheckpointFile(store, "run-e", 2, 100)));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    WAIT);
            // the sender has been failing to reach the host for the outage delay: the events still wait, none is lost
            Await.until(() -> events.outages() > 0, WAIT, "the outage warning");
            assertEquals(2, events.waiting());
            assertEquals(0, events.delivered());
            assertEquals(0, events.failed());
        }
    }

    @Test
    void anEventTheBrokerCanNeverTakeIsDroppedAndTheRestFlows(KafkaCluster kafka) throws Exception {
        Topics topics = TestEvents.uniqueTopics();
        Path f1 = TestEvents.writeCheckpointFile(store, "run-f", 1, 1_000);
        Path f3 = TestEvents.writeCheckpointFile(store, "run-f", 3, 1_000);
        CheckpointEvent tooLarge = TestEvents.checkpoint(store, "run-f", 2, f1);
        tooLarge.setCheckpointUri("x".repeat(2_000_000)); // over the producer's max.request.size of 1 MB
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(config(kafka, topics))) {
            events.checkpointWritten(TestEvents.checkpoint(store, "run-f", 1, f1));
            events.checkpointWritten(tooLarge);
            events.checkpointWritten(TestEvents.checkpoint(store, "run-f", 3, f3));
            TestEvents.awaitDelivered(events, 2, WAIT);
            assertEquals(1, events.failed());
        }
        List<CheckpointEvent> received =
                TestEvents.checkpoints(kafka.bootstrapServers(), topics.checkpoints(), 2, WAIT);
        assertEquals(
                List.of(1L, 3L), received.stream().map(CheckpointEvent::getStep).toList());
    }
}
