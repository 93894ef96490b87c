package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class LossMeterTest {

    @Test
    void meanIsOverFiniteStepsAndNonFiniteOnesAreCounted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LossMeter meter = new LossMeter(manager);
            int before = manager.getManagedArrays().size();
            for (float loss : new float[] {2f, Float.NaN, 4f, Float.POSITIVE_INFINITY, 9f}) {
                meter.add(manager.create(loss));
            }
            LossMeter.Reading reading = meter.take();
            assertEquals(5.0, reading.mean(), 1e-6, "(2 + 4 + 9) / 3");
            assertEquals(5, reading.steps());
            assertEquals(2, reading.nonFinite());
            assertFalse(reading.allNonFinite());
            assertEquals(
                    before + 5, manager.getManagedArrays().size(), "only the five inputs stay: no intermediate leaks");

            meter.add(manager.create(Float.NaN));
            meter.add(manager.create(Float.NEGATIVE_INFINITY));
            LossMeter.Reading diverged = meter.take();
            assertTrue(diverged.allNonFinite());
            assertTrue(Double.isNaN(diverged.mean()));

            meter.add(manager.create(1.5f));
            LossMeter.Reading fresh = meter.take();
            assertEquals(1.5, fresh.mean(), 1e-6, "each reading starts over");
            assertEquals(0, fresh.nonFinite());
            assertEquals(new LossMeter.Reading(Double.NaN, 0, 0), meter.take());
        }
    }
}
