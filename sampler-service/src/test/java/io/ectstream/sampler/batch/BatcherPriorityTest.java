package io.ectstream.sampler.batch;

import static io.ectstream.sampler.batch.BatchFixtures.EVAL;
import static io.ectstream.sampler.batch.BatchFixtures.USER;
import static io.ectstream.sampler.batch.BatchFixtures.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.schemas.TrafficPurpose;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Evaluation chunks never share a batch with user chunks and get a generator only when no user batch is due. */
class BatcherPriorityTest {
    private static String firstId(Batch batch) {
        return batch.chunks().get(0).job().request().request().getRequestId();
    }

    @Test
    void fullEvaluationQueueIsHeldForNextAndUserBatchesGoFirst() {
        Batcher batcher = new Batcher(4, 10);
        assertTrue(batcher.add(EVAL, chunk("e1", 4), 0).isEmpty(), "a full evaluation queue is not handed out by add");
        assertTrue(batcher.add(EVAL, chunk("e2", 4), 1).isEmpty());
        batcher.add(USER, chunk("u1", 1), 5);
        assertEquals(8, batcher.waitingImages(TrafficPurpose.EVALUATION));
        assertEquals(1, batcher.waitingImages(TrafficPurpose.USER));

        // The user chunk is not due yet (5 ms of 10): a full evaluation batch may use the free generator.
        Batch first = batcher.next(6).orElseThrow();
        assertEquals(EVAL, first.key());
        assertEquals("e1", firstId(first));
        // Once the user chunk is due it goes before the evaluation batch that has waited longer.
        Batch second = batcher.next(15).orElseThrow();
        assertEquals(USER, second.key());
        assertEquals("e2", firstId(batcher.next(15).orElseThrow()));
        assertTrue(batcher.next(100).isEmpty());
    }

    @Test
    void fullUserQueueIsCutAtOnceAndNeverMixedWithEvaluation() {
        Batcher batcher = new Batcher(4, 10);
        batcher.add(EVAL, chunk("e", 2), 0);
        List<Batch> full = batcher.add(USER, chunk("u", 4), 0);
        assertEquals(1, full.size());
        assertEquals(USER, full.get(0).key());
        assertEquals(1, full.get(0).chunks().size());
        assertTrue(batcher.takeOldestDue(50).isEmpty(), "takeOldestDue only hands out user batches");
        Batch partial = batcher.next(10).orElseThrow();
        assertEquals(EVAL, partial.key());
        assertEquals(2, partial.images(), "a partial evaluation batch leaves after max wait when nothing else waits");
    }

    @Test
    void evaluationDrainsCompletelyWithoutUserTraffic() {
        Batcher batcher = new Batcher(4, 10);
        for (int i = 0; i < 5; i++) {
            batcher.add(EVAL, chunk("e" + i, 3), i);
        }
        List<Integer> sizes = new ArrayList<>();
        batcher.next(1).ifPresent(b -> sizes.add(b.images()));
        for (var b = batcher.next(20); b.isPresent(); b = batcher.next(20)) {
            sizes.add(b.get().images());
        }
        assertEquals(List.of(3, 3, 3, 3, 3), sizes, "whole chunks, never more than 4 images, all of them");
        assertEquals(0, batcher.waitingImages());
    }
}
