package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.Phase;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The driver's decisions without Kafka: what it requests, re-sends, ends and reports. */
class DriverStateTest {
    private static final DriverConfig CONFIG =
            new DriverConfig("g", "ckpts", "eval", "errors", Duration.ofMillis(100), Duration.ofMillis(1000));
    private static final EvaluationPlan PLAN = new EvaluationPlan(4, 4, 0, 0.821, false);

    /** Requests written to offsets 0, 1, 2, ... of partition 0 of the evaluation topic; reports kept in order. */
    private static final class Outbox implements DriverOutbox {
        final Map<GenerationRequest, Long> written = new LinkedHashMap<>();
        final List<GenerationRequest> sent = new ArrayList<>();
        final List<String> unevaluated = new ArrayList<>();

        @Override
        public Future<RecordMetadata> request(GenerationRequest request) {
            long offset = sent.size();
            sent.add(request);
            written.put(request, offset);
            return CompletableFuture.completedFuture(
                    new RecordMetadata(new TopicPartition("eval", 0), offset, 0, 0L, 1, 1));
        }

        @Override
        public void unevaluated(CheckpointEvent event, ErrorCode code, String reason, Instant at) {
            unevaluated.add(event.getRunId() + "@" + event.getStep() + " " + code);
        }

        List<String> checkpointsSent() {
            return sent.stream()
                    .map(EvaluationRequests::checkpointOf)
                    .distinct()
                    .toList();
        }
    }

    private final Outbox outbox = new Outbox();
    private final DriverState state = new DriverState(CONFIG, PLAN, outbox);

    private static CheckpointEvent event(long step) {
        return DriverEvents.event("run", step, Phase.ECT);
    }

    private GenerationError answer(GenerationRequest request, ErrorCode code) {
        return error(request.getRequestId(), code, "eval", outbox.written.get(request), null);
    }

    private static GenerationError error(
            String requestId, ErrorCode code, String topic, Long offset, CheckpointEvent original) {
        return GenerationError.newBuilder()
                .setRequestId(requestId)
                .setCode(code)
                .setReason("test")
                .setComponent("sampler-service")
                .setSourceTopic(topic)
                .setSourcePartition(0)
                .setSourceOffset(offset)
                .setOriginalBytes(
                        original == null
                                ? null
                                : ByteBuffer.wrap(CONFIG.records()
                                        .serde(CheckpointEvent.class)
                                        .serializer()
                                        .serialize(topic, original)))
                .setOccurredAt(Instant.EPOCH)
                .build();
    }

    @Test
    void theNewestCheckpointOfARunComesFirstThenTheOthersAndARedeliveryIsSkipped() {
        state.checkpoints(List.of(event(1), event(3), event(2)), 0);
        assertEquals(List.of("run@3", "run@1", "run@2"), outbox.checkpointsSent());
        assertEquals(3, state.evaluatedCheckpoints());
        int perCheckpoint = outbox.sent.size() / 3;
        assertTrue(perCheckpoint > 0);

        state.checkpoints(List.of(event(3)), 10);
        assertEquals(1, state.skippedCheckpoints());
        assertEquals(3 * perCheckpoint, outbox.sent.size());
        assertEquals(outbox.sent.size(), state.requested());
        assertEquals(outbox.sent.size(), state.pendingRequests());
    }

    @Test
    void aRequestTheSamplerCannotServeYetIsResentAfterTheDelay() {
        state.checkpoints(List.of(event(1)), 0);
        int first = outbox.sent.size();
        GenerationRequest request = outbox.sent.get(0);

        state.error(answer(request, ErrorCode.UNKNOWN_MODEL), 10);
        assertEquals(0, state.resendDue(109));
        assertEquals(1, state.resendDue(110));
        assertEquals(request, outbox.sent.get(first));
        assertEquals(1, state.retried());
        assertEquals(first + 1, state.requested());
        assertEquals(1, state.errorsRead());
        assertEquals(List.of(), outbox.unevaluated);
    }

    @Test
    void anErrorThatDoesNotNameTheWrittenRecordChangesNothing() {
        state.checkpoints(List.of(event(1)), 0);
        GenerationRequest request = outbox.sent.get(0);
        state.error(error(request.getRequestId(), ErrorCode.MODEL_NOT_KEPT, "eval", 999L, null), 10);
        state.error(error(request.getRequestId(), ErrorCode.MODEL_NOT_KEPT, "users", 0L, null), 10);
        assertEquals(2, state.errorsRead());
        assertEquals(0, state.endedEvaluations());
        assertEquals(outbox.sent.size(), state.pendingRequests());
    }

    @Test
    void aCheckpointTheSamplerNoLongerKeepsEndsOnceWithOneReport() {
        state.checkpoints(List.of(event(1), event(2)), 0);
        GenerationRequest ofStep1 = outbox.sent.stream()
                .filter(r -> EvaluationRequests.checkpointOf(r).equals("run@1"))
                .findFirst()
                .orElseThrow();
        long requestsOfStep1 = outbox.sent.stream()
                .filter(r -> EvaluationRequests.checkpointOf(r).equals("run@1"))
                .count();

        state.error(answer(ofStep1, ErrorCode.MODEL_NOT_KEPT), 10);
        state.error(answer(ofStep1, ErrorCode.MODEL_NOT_KEPT), 11);
        assertEquals(1, state.endedEvaluations());
        assertEquals(requestsOfStep1, state.abandonedRequests());
        assertEquals(List.of("run@1 MODEL_NOT_KEPT"), outbox.unevaluated);
        assertEquals(outbox.sent.size() - requestsOfStep1, state.pendingRequests());
    }

    @Test
    void aCheckpointTheSamplerRejectedIsReportedNotRequested() {
        state.error(error(null, ErrorCode.CHECKPOINT_REJECTED, "ckpts", 0L, event(5)), 0);
        state.checkpoints(List.of(event(5)), 10);
        assertEquals(List.of(), outbox.sent);
        assertEquals(1, state.endedEvaluations());
        assertEquals(List.of("run@5 CHECKPOINT_REJECTED"), outbox.unevaluated);
    }

    @Test
    void theDriversOwnReportsAreNotCountedAsErrorsRead() {
        GenerationError own =
                UnevaluatedCheckpoint.toError(event(1), ErrorCode.MODEL_NOT_KEPT, "test", "ckpts", Instant.EPOCH);
        state.error(own, 0);
        state.undecodableError();
        assertEquals(1, state.errorsRead());
    }

    @Test
    void quietRequestsExpireAfterTheWindowSoABackfillCanEnd() {
        state.backfill(List.of(event(1)), new Backfill("run", List.of()), 0);
        assertTrue(state.pendingRequests() > 0);
        assertEquals(0, state.resendDue(1001));
        assertEquals(0, state.pendingRequests());
    }

    @Test
    void requestIdsDeriveFromTheGroupsKey() {
        EvaluationKey key = EvaluationKey.random();
        state.useKey(key);
        state.checkpoints(List.of(event(1)), 0);
        assertTrue(outbox.sent.get(0).getRequestId().contains(key.nonce("run", 1)));
    }
}
