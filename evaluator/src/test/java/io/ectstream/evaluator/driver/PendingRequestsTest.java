package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.Phase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingRequestsTest {
    private static final GenerationRequest REQUEST = EvaluationRequests.of(DriverEvents.event("run", 1, Phase.ECT),
        new EvaluationPlan(4, 4, 0, 0.821, false), Instant.EPOCH).get(0);

    @Test
    void aRejectedRequestIsResentAfterTheDelayUntilTheWindowIsOver() {
        PendingRequests pending = new PendingRequests(100, 1000);
        pending.sent(REQUEST, 0);
        String id = REQUEST.getRequestId();
        assertTrue(pending.retryLater(id, 10));
        assertEquals(List.of(), pending.due(109));
        assertEquals(List.of(REQUEST), pending.due(110));
        assertEquals(List.of(), pending.due(111), "re-sent once per rejection");
        assertEquals(2, pending.attempts(id));
        assertTrue(pending.retryLater(id, 1000));
        assertEquals(List.of(REQUEST), pending.due(1100));
        assertFalse(pending.retryLater(id, 1001 + 200), "1201 ms after the first send: given up");
        assertNull(pending.get(id));
    }

    @Test
    void quietEntriesExpireAfterTheWindow() {
        PendingRequests pending = new PendingRequests(100, 1000);
        pending.sent(REQUEST, 0);
        pending.due(1000);
        assertEquals(1, pending.size());
        pending.due(1001);
        assertEquals(0, pending.size());
    }
}
