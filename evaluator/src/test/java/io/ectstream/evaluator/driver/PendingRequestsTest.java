package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.Phase;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingRequestsTest {
    private static final List<GenerationRequest> REQUESTS = EvaluationRequests.of(
            DriverEvents.event("run", 1, Phase.ECT), new EvaluationPlan(4, 4, 0, 0.821, false), Instant.EPOCH, "n0");
    private static final GenerationRequest REQUEST = REQUESTS.get(0);
    private static final String ID = REQUEST.getRequestId();

    @Test
    void aRejectedRequestIsResentAfterADelayThatDoublesUntilTheWindowIsOver() {
        PendingRequests pending = new PendingRequests(100, 1000);
        pending.sent(REQUEST, written(5), 0);
        assertTrue(pending.retryLater(ID, 10));
        assertEquals(List.of(), pending.due(109));
        assertEquals(List.of(REQUEST), pending.due(110));
        assertEquals(List.of(), pending.due(111), "re-sent once per rejection");
        assertEquals(2, pending.attempts(ID));
        assertTrue(pending.retryLater(ID, 120));
        assertEquals(List.of(), pending.due(319), "the second re-send waits twice as long");
        assertEquals(List.of(REQUEST), pending.due(320));
        assertTrue(pending.retryLater(ID, 330));
        assertEquals(List.of(REQUEST), pending.due(730));
        assertFalse(pending.retryLater(ID, 740), "740 + 800 ms is past the window of 1000 ms after the first send");
        assertEquals(4, pending.attempts(ID));
    }

    @Test
    void onlyAnErrorNamingTheRecordOfTheLastCopyAnswersAndOnlyOnce() {
        PendingRequests pending = new PendingRequests(100, 1000);
        pending.sent(REQUEST, written(5), 0);
        assertNull(pending.answeredBy(error("eval:run@1:ect1:0", "eval", 5)), "a guessed id without the nonce");
        assertNull(pending.answeredBy(error(ID, "users", 5)), "a copy someone sent to another topic");
        assertNull(pending.answeredBy(error(ID, "eval", 6)), "another record of the topic");
        assertNull(pending.answeredBy(error(ID, null, null)), "no source at all");
        assertSame(REQUEST, pending.answeredBy(error(ID, "eval", 5)));
        assertTrue(pending.retryLater(ID, 0));
        assertNull(pending.answeredBy(error(ID, "eval", 5)), "a duplicate while the re-send is scheduled");
        pending.due(100);
        pending.resent(ID, written(9));
        assertNull(pending.answeredBy(error(ID, "eval", 5)), "a late duplicate of the first copy's error");
        assertSame(REQUEST, pending.answeredBy(error(ID, "eval", 9)));
        pending.resent(ID, new CompletableFuture<>());
        assertNull(pending.answeredBy(error(ID, "eval", 9)), "not written yet");
    }

    @Test
    void aCheckpointsRequestsAreDroppedTogether() {
        PendingRequests pending = new PendingRequests(100, 1000);
        REQUESTS.forEach(r -> pending.sent(r, written(0), 0));
        pending.sent(
                EvaluationRequests.of(
                                DriverEvents.event("run", 2, Phase.ECT),
                                new EvaluationPlan(4, 4, 0, 0.821, false),
                                Instant.EPOCH,
                                "n1")
                        .get(0),
                written(1),
                0);
        assertEquals(2, pending.dropCheckpoint("run@1"));
        assertEquals(0, pending.dropCheckpoint("run@1"));
        assertEquals(1, pending.size());
    }

    @Test
    void quietEntriesExpireAfterTheWindow() {
        PendingRequests pending = new PendingRequests(100, 1000);
        pending.sent(REQUEST, written(0), 0);
        pending.due(1000);
        assertEquals(1, pending.size());
        pending.due(1001);
        assertEquals(0, pending.size());
    }

    private static Future<RecordMetadata> written(long offset) {
        return CompletableFuture.completedFuture(
                new RecordMetadata(new TopicPartition("eval", 0), offset, 0, 0L, 1, 1));
    }

    private static GenerationError error(String requestId, String topic, Integer offset) {
        return GenerationError.newBuilder()
                .setRequestId(requestId)
                .setCode(ErrorCode.UNKNOWN_MODEL)
                .setReason("test")
                .setComponent("sampler-service")
                .setSourceTopic(topic)
                .setSourcePartition(topic == null ? null : 0)
                .setSourceOffset(offset == null ? null : offset.longValue())
                .setOccurredAt(Instant.EPOCH)
                .build();
    }
}
