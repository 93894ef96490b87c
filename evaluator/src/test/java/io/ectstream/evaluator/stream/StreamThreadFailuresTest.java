package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 32: readiness turns false while the stream threads keep failing, and back once one commits. */
class StreamThreadFailuresTest {

    @Test
    void threeFailuresWithoutACommitAreUnreadyAndTheNextCommitEndsIt() {
        StreamThreadFailures failures = new StreamThreadFailures();
        failures.failed(Map.of("t-1", 5.0));
        failures.failed(Map.of("t-2", 0.0));
        assertFalse(failures.keepFailing(Map.of("t-3", 0.0)), "two failures: Streams replaced the thread");
        failures.failed(Map.of("t-3", 0.0));
        assertTrue(failures.keepFailing(Map.of("t-4", 0.0)));
        assertTrue(failures.keepFailing(Map.of()), "no thread alive, no commit");
        assertFalse(failures.keepFailing(Map.of("t-4", 1.0)), "the replaced thread committed");
        assertEquals(3, failures.failures());
    }

    @Test
    void aCommitBetweenFailuresStartsTheCountAgain() {
        StreamThreadFailures failures = new StreamThreadFailures();
        failures.failed(Map.of("t-1", 0.0));
        failures.failed(Map.of("t-2", 0.0));
        failures.failed(Map.of("t-3", 4.0)); // t-3 committed 4 times before it failed
        assertEquals(1, failures.failuresWithoutCommit());
        assertFalse(failures.keepFailing(Map.of("t-4", 0.0)));
    }
}
