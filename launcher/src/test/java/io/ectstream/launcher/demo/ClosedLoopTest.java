package io.ectstream.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator's pacing on a simulated clock: the in-flight bound holds, the achieved rate is reported once per change. */
class ClosedLoopTest {
    private static final long WINDOW_MS = 10_000;

    /** Ticks at 2/s for {@code seconds}; the "sampler" answers the oldest request every {@code serviceMs}. */
    private static List<String> simulate(
            ClosedLoop loop, Deque<String> waiting, long fromMs, int seconds, long serviceMs) {
        List<String> lines = new ArrayList<>();
        long nextAnswer = fromMs + serviceMs;
        for (long t = fromMs; t < fromMs + seconds * 1000L; t += 500) {
            while (nextAnswer <= t) {
                if (!waiting.isEmpty()) {
                    assertTrue(loop.answered(waiting.removeFirst()));
                }
                nextAnswer += serviceMs;
            }
            String line = loop.report(t);
            if (line != null) {
                lines.add(line);
            }
            String id = "u" + t;
            if (loop.tryStart(id, t)) {
                waiting.addLast(id);
            }
            assertTrue(loop.inFlight() <= 3, "in flight " + loop.inFlight());
        }
        return lines;
    }

    @Test
    void aSlowSamplerHoldsTheLoadAtTheBoundAndTheAchievedRateIsReportedOncePerChange() {
        ClosedLoop loop = new ClosedLoop(3, 2.0, WINDOW_MS, 120_000);
        Deque<String> waiting = new ArrayDeque<>();
        // fast sampler (answers every 100 ms): on target, nothing to report
        assertEquals(List.of(), simulate(loop, waiting, 0, 30, 100));
        // slow sampler (one answer a second): about 1 request/s achieved (1.1 in the first window, the bound's 3
        // then 8 answers; 1.0 after), said once however long it lasts
        List<String> slow = simulate(loop, waiting, 30_000, 60, 1000);
        assertEquals(1, slow.size(), slow.toString());
        assertTrue(
                slow.get(0).startsWith("user load below target: 1.1 requests/s achieved of 2.0 requested"),
                slow.get(0));
        // slower still (one answer in 3 s): a new line, once
        List<String> slower = simulate(loop, waiting, 90_000, 60, 3000);
        assertEquals(1, slower.size(), slower.toString());
        assertTrue(slower.get(0).startsWith("user load below target: 0."), slower.get(0));
        assertEquals(3, loop.mostInFlight());
        // fast again: one line back on target
        List<String> fast = simulate(loop, waiting, 150_000, 30, 100);
        assertEquals(List.of("user load back on target: 2.0 requests/s"), fast);
        assertEquals(loop.sent(), loop.answered() + loop.inFlight());
    }

    @Test
    void anAnswerFreesItsSlotOnceAndAnUnansweredRequestIsGivenUpAfterTheTimeout() {
        ClosedLoop loop = new ClosedLoop(2, 2.0, WINDOW_MS, 60_000);
        assertTrue(loop.tryStart("a", 0));
        assertTrue(loop.tryStart("b", 500));
        assertFalse(loop.tryStart("c", 1000), "the bound");
        assertTrue(loop.answered("a"));
        assertFalse(loop.answered("a"), "a second answer (an error after a result) frees nothing more");
        assertFalse(loop.answered("someone-else"));
        assertTrue(loop.tryStart("d", 1500));
        assertFalse(loop.tryStart("e", 59_999));
        assertTrue(loop.tryStart("f", 60_500), "b was sent at 500 and is given up at 60,500");
        assertEquals(1, loop.givenUp());
        assertEquals(2, loop.inFlight());
        assertNull(loop.report(5_000), "no verdict before a full window");
    }
}
