package io.ectstream.sampler.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    @Test
    void commitPointNeverPassesAnUnansweredRecord() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.received(10);
        tracker.received(11);
        tracker.received(12);
        assertEquals(10, tracker.committable(), "nothing answered: position stays at the first record");
        tracker.answered(11);
        tracker.answered(12);
        assertEquals(10, tracker.committable(), "10 still open: 11 and 12 must not be committed past it");
        tracker.committed(10);
        assertEquals(-1, tracker.committable(), "nothing new to commit");
        tracker.answered(10);
        assertEquals(13, tracker.committable(), "all answered: commit after the last one");
        tracker.committed(13);
        assertEquals(-1, tracker.committable());
        assertEquals(0, tracker.pendingCount());
    }

    @Test
    void outOfOrderAnswersMoveThePositionStepByStep() {
        OffsetTracker tracker = new OffsetTracker();
        for (long o = 0; o < 5; o++) {
            tracker.received(o);
        }
        tracker.answered(0);
        assertEquals(1, tracker.committable());
        tracker.answered(3);
        tracker.answered(1);
        assertEquals(2, tracker.committable());
        tracker.answered(2);
        assertEquals(4, tracker.committable());
        tracker.answered(4);
        assertEquals(5, tracker.committable());
    }
}
