package io.ectstream.sampler.batch;

import static io.ectstream.sampler.batch.BatchFixtures.EVAL;
import static io.ectstream.sampler.batch.BatchFixtures.USER;
import static io.ectstream.sampler.batch.BatchFixtures.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** User traffic first, but evaluation is never starved: one evaluation batch after every n user batches in a row. */
class DispatchOrderTest {
    /** The purposes of the batches handed out, U or E, taking at most {@code count}. */
    private static String drain(DispatchOrder order, long now, int count) {
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < count; i++) {
            var next = order.next(now);
            if (next.isEmpty()) {
                break;
            }
            seen.append(next.get().key().evaluation() ? 'E' : 'U');
        }
        return seen.toString();
    }

    @Test
    void underSaturatingUserLoadEvaluationGetsEveryFifthBatch() {
        DispatchOrder order = new DispatchOrder(4, 10, 4);
        for (int i = 0; i < 3; i++) {
            order.add(EVAL, chunk("e" + i, 4), 0);
        }
        for (int i = 0; i < 14; i++) {
            order.add(USER, chunk("u" + i, 4), 1);
        }
        assertEquals(4 * 17, order.waitingImages());
        assertEquals("UUUUEUUUUEUUUUEUU", drain(order, 2, 100));
        assertEquals(0, order.waitingImages());
    }

    @Test
    void evaluationArrivingAfterALongUserRunGoesNextOnceThenUsersResume() {
        DispatchOrder order = new DispatchOrder(4, 10, 2);
        for (int i = 0; i < 6; i++) {
            order.add(USER, chunk("u" + i, 4), 0);
        }
        assertEquals("UUU", drain(order, 0, 3), "no evaluation waits: users only");
        order.add(EVAL, chunk("e0", 4), 1);
        order.add(EVAL, chunk("e1", 4), 1);
        assertEquals("EUUEU", drain(order, 1, 100));
    }

    @Test
    void aPartialEvaluationBatchTakesItsTurnOnlyOnceDue() {
        DispatchOrder order = new DispatchOrder(4, 10, 1);
        order.add(EVAL, chunk("e", 2), 0);
        for (int i = 0; i < 3; i++) {
            order.add(USER, chunk("u" + i, 4), 0);
        }
        assertEquals("UU", drain(order, 5, 2), "the half-full evaluation queue has waited 5 of 10 ms");
        assertEquals("EU", drain(order, 10, 100));
    }

    @Test
    void aShareBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DispatchOrder(4, 10, 0));
        assertEquals("user batches per evaluation batch must be >= 1, not 0", e.getMessage());
    }
}
