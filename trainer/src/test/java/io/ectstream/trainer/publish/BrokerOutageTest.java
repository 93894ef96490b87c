package io.ectstream.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.TrainingProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away in the middle of a run and comes back: nothing is lost, nothing waits on it. */
@BrokerTest
class BrokerOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path store;

    @Test
    void checkpointEventsSurviveABrokerRestartInOrderWhileTrainingNeverWaits() throws Exception {
        Topics topics = TestEvents.uniqueTopics();
        List<Long> steps =
                LongStream.rangeClosed(1, 12).map(i -> i * 100).boxed().toList();
        List<CheckpointEvent> sent = new ArrayList<>();
        for (long step : steps) {
            Path file = TestEvents.writeCheckpointFile(store, "run-x", step, 8_000);
            sent.add(TestEvents.checkpoint(store, "run-x", step, file));
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            // a bound of 40: the progress flood during the outage must give way to the checkpoint events
            PublisherConfig config = new PublisherConfig(
                    KafkaClientSettings.of(broker.bootstrapServers()),
                    topics,
                    40,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30));
            try (KafkaTrainingEvents events = new KafkaTrainingEvents(config)) {
                for (int i = 0; i < 4; i++) {
                    events.checkpointWritten(sent.get(i));
                    events.progress(TestEvents.progress("run-x", sent.get(i).getStep()));
                }
                TestEvents.awaitDelivered(events, 8, WAIT);
                assertEquals(8, events.delivered(), "delivered before the outage");

                int warningsBefore = events.outages();
                broker.stop();
                TestEvents.trainingThread(
                        () -> {
                            for (int i = 4; i < 12; i++) {
                                CheckpointEvent event = sent.get(i);
                                events.checkpointWritten(event);
                                for (int p = 0; p < 20; p++) {
                                    events.progress(TestEvents.progress("run-x", event.getStep() + p));
                                }
                            }
                        },
                        WAIT);
                Await.until(() -> events.outages() > warningsBefore, WAIT, "the outage warning");
                assertFalse(broker.isRunning(), "every call returned while the broker was down");
                assertEquals(8, events.delivered(), "nothing can be delivered while the broker is down");
                assertTrue(events.waiting() >= 8, "the 8 checkpoint events wait: " + events.waiting());
                assertTrue(events.droppedProgress() > 0, "the progress flood overflowed the bound of 40");
                assertEquals(0, events.droppedCheckpoints());
                assertEquals(warningsBefore + 1, events.outages(), "one outage warning");

                broker.startServer();
                long minimumDelivered = 12 + 4 + (8 * 20 - events.droppedProgress());
                TestEvents.awaitDelivered(events, minimumDelivered, WAIT);
                assertEquals(0, events.waiting(), "everything flushed after the broker came back");
            }
            List<CheckpointEvent> received =
                    TestEvents.checkpoints(broker.bootstrapServers(), topics.checkpoints(), 12, WAIT);
            assertEquals(steps, received.stream().map(CheckpointEvent::getStep).toList(), "all 12, in order, once");
            for (int i = 0; i < 12; i++) {
                Path file = store.resolve(received.get(i).getCheckpointUri());
                assertEquals(TestEvents.sha256(file), received.get(i).getSha256());
            }
            List<TrainingProgress> progress =
                    TestEvents.progressRecords(broker.bootstrapServers(), topics.progress(), 1, WAIT);
            List<Long> progressSteps =
                    progress.stream().map(TrainingProgress::getStep).toList();
            List<Long> sortedSteps = new ArrayList<>(progressSteps);
            sortedSteps.sort(null);
            assertEquals(sortedSteps, progressSteps, "surviving progress records keep their order");
            assertEquals(progressSteps.stream().distinct().count(), progressSteps.size(), "no progress record twice");
        }
    }
}
