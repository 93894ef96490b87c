package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NonFiniteGradientsTest {

    private static void add(NonFiniteGradients meter, NDManager manager, long step, long replaced) {
        meter.add(step, manager.create(replaced));
    }

    @Test
    void countsValuesAndStepsAcrossReadsAndContinuesAfterAResume() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NonFiniteGradients meter = new NonFiniteGradients(2);
            meter.resumeFrom(new NonFiniteGradients.Totals(10, 1));
            add(meter, manager, 0, 0);
            add(meter, manager, 1, 3);
            add(meter, manager, 2, 2);
            assertEquals(new NonFiniteGradients.Totals(15, 3), meter.read());
            add(meter, manager, 3, 0);
            add(meter, manager, 4, 4);
            assertEquals(new NonFiniteGradients.Totals(19, 4), meter.read());
            assertEquals(new NonFiniteGradients.Totals(19, 4), meter.read(), "nothing pending: the same totals");
            assertEquals(19, meter.totals().values());
        }
    }

    @Test
    void moreConsecutiveBadStepsThanAllowedStopTheRunEvenAcrossReads() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NonFiniteGradients meter = new NonFiniteGradients(2);
            add(meter, manager, 0, 1);
            add(meter, manager, 1, 1);
            meter.read(); // two in a row: allowed
            add(meter, manager, 2, 5);
            NonFiniteGradientsException stop = assertThrows(NonFiniteGradientsException.class, meter::read);
            assertTrue(stop.getMessage().contains("step 2"), stop.getMessage());
            assertTrue(stop.getMessage().contains("each of the last 3 steps"), stop.getMessage());
            assertTrue(stop.getMessage().contains("nonFiniteGradients.maxConsecutiveSteps=2"), stop.getMessage());
        }
    }

    @Test
    void aCleanStepEndsTheStretch() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NonFiniteGradients meter = new NonFiniteGradients(1);
            add(meter, manager, 0, 1);
            add(meter, manager, 1, 0);
            add(meter, manager, 2, 1);
            add(meter, manager, 3, 0);
            assertEquals(new NonFiniteGradients.Totals(2, 2), meter.read());
        }
    }
}
