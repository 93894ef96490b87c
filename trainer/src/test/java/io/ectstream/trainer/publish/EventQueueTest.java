package io.ectstream.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.schemas.CheckpointEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private static PendingEvent checkpoint(long step) {
        CheckpointEvent event = CheckpointEvent.newBuilder()
                .setRunId("r")
                .setStep(step)
                .setImagesSeen(0)
                .setPhase(io.ectstream.schemas.Phase.ECT)
                .setEctStage(0)
                .setNetwork(TestEvents.network())
                .setCheckpointUri("r/x")
                .setSizeBytes(1)
                .setSha256("00")
                .setCreatedAt(java.time.Instant.EPOCH)
                .setTrainingLoss(0)
                .build();
        return new PendingEvent.Checkpoint(event);
    }

    private static PendingEvent progress(long step) {
        return new PendingEvent.Progress(TestEvents.progress("r", step));
    }

    private static List<String> drain(EventQueue queue) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (PendingEvent e; (e = queue.poll(0)) != null; ) {
            out.add((e instanceof PendingEvent.Checkpoint ? "c" : "p") + e.step());
        }
        return out;
    }

    @Test
    void keepsOrderWithinTheBound() throws InterruptedException {
        EventQueue queue = new EventQueue(4);
        assertEquals(EventQueue.Dropped.NOTHING, queue.offer(progress(1)));
        queue.offer(checkpoint(2));
        queue.offer(progress(3));
        assertEquals(List.of("p1", "c2", "p3"), drain(queue));
        assertNull(queue.poll(10));
    }

    @Test
    void dropsTheOldestProgressFirstAndKeepsCheckpoints() throws InterruptedException {
        EventQueue queue = new EventQueue(4);
        queue.offer(progress(1));
        queue.offer(checkpoint(2));
        queue.offer(progress(3));
        queue.offer(checkpoint(4));
        assertEquals(EventQueue.Dropped.PROGRESS, queue.offer(checkpoint(5)));
        assertEquals(EventQueue.Dropped.PROGRESS, queue.offer(progress(6)));
        assertEquals(List.of("c2", "c4", "c5", "p6"), drain(queue));
        assertEquals(2, queue.droppedProgress());
        assertEquals(0, queue.droppedCheckpoints());
    }

    @Test
    void aQueueOfCheckpointsDropsIncomingProgressThenItsOldestCheckpoint() throws InterruptedException {
        EventQueue queue = new EventQueue(2);
        queue.offer(checkpoint(1));
        queue.offer(checkpoint(2));
        assertEquals(EventQueue.Dropped.PROGRESS, queue.offer(progress(3)));
        assertEquals(EventQueue.Dropped.CHECKPOINT, queue.offer(checkpoint(4)));
        assertEquals(List.of("c2", "c4"), drain(queue));
        assertEquals(1, queue.droppedProgress());
        assertEquals(1, queue.droppedCheckpoints());
    }
}
