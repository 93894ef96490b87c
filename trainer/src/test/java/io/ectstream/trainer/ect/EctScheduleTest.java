package io.ectstream.trainer.ect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.trainer.testing.Fixtures;
import org.junit.jupiter.api.Test;

class EctScheduleTest {
    private static final JsonNode FIXTURE = Fixtures.json("ect_schedule.json");

    @Test
    void rOfTMatchesTheIndependentNumpyValuesOnHostAndDevice() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (JsonNode c : FIXTURE.get("cases")) {
                EctSchedule schedule = new EctSchedule(
                        -1.1,
                        2.0,
                        c.get("q").asDouble(),
                        c.get("k").asDouble(),
                        c.get("b").asDouble(),
                        25_000,
                        true);
                int stage = c.get("stage").asInt();
                double[] t = Fixtures.doubles(c.get("t"));
                double[] expected = Fixtures.doubles(c.get("r"));
                float[] onDevice = schedule.r(manager.create(Fixtures.floats(c.get("t"))), stage)
                        .toFloatArray();
                for (int i = 0; i < t.length; i++) {
                    String where = "q=" + c.get("q") + " stage=" + stage + " t=" + t[i];
                    assertEquals(expected[i], schedule.r(t[i], stage), 1e-12 * Math.max(1, expected[i]), where);
                    assertEquals(expected[i], onDevice[i], 2e-6 * Math.max(1, expected[i]), where);
                }
            }
        }
    }

    @Test
    void stageIsTheIterationDividedByTheStageLength() {
        EctSchedule schedule =
                new EctSchedule(-1.1, 2.0, 2, 8, 1, FIXTURE.get("stageLength").asLong(), true);
        JsonNode iterations = FIXTURE.get("iterations");
        for (int i = 0; i < iterations.size(); i++) {
            assertEquals(
                    FIXTURE.get("stages").get(i).asInt(),
                    schedule.stage(iterations.get(i).asLong()));
        }
    }

    /** r at an iteration, stage included, against numpy: with doubling the stage advances, without it q stays. */
    @Test
    void rAtAnIterationFollowsDoublingOrAFixedQ() {
        for (JsonNode c : FIXTURE.get("byIteration")) {
            EctSchedule schedule = new EctSchedule(
                    -1.1,
                    2.0,
                    c.get("q").asDouble(),
                    8,
                    1,
                    c.get("stageLength").asLong(),
                    c.get("doubling").asBoolean());
            long iteration = c.get("iteration").asLong();
            double[] t = Fixtures.doubles(c.get("t"));
            double[] expected = Fixtures.doubles(c.get("r"));
            for (int i = 0; i < t.length; i++) {
                String where =
                        "q=" + c.get("q") + " doubling=" + c.get("doubling") + " iteration=" + iteration + " t=" + t[i];
                assertEquals(
                        expected[i],
                        schedule.r(t[i], schedule.stage(iteration)),
                        1e-12 * Math.max(1, expected[i]),
                        where);
            }
        }
    }

    @Test
    void rShrinksTowardTAsStagesAdvance() {
        EctSchedule schedule = EctSchedule.reference();
        double previousGap = Double.MAX_VALUE;
        for (int stage = 0; stage < 8; stage++) {
            double gap = 3.0 - schedule.r(3.0, stage);
            assertEquals(true, gap > 0 && gap < previousGap, "gap at stage " + stage + ": " + gap);
            previousGap = gap;
        }
    }

    @Test
    void logTIsNormalWithPMeanAndPStd() {
        EctSchedule schedule = EctSchedule.reference();
        int n = 40_000;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray logT = schedule.sampleT(manager, n).log();
            double mean = logT.mean().getFloat();
            double std = Math.sqrt(logT.sub(mean).square().mean().getFloat());
            // standard errors: pStd / sqrt(n) = 0.01 for the mean, ~pStd / sqrt(2n) = 0.007 for the std
            assertEquals(-1.1, mean, 0.04);
            assertEquals(2.0, std, 0.03);
            assertEquals(n, logT.size());
            float min = schedule.sampleT(manager, 1000).min().getFloat();
            assertEquals(true, min > 0, "t must be positive, min " + min);
        }
    }

    @Test
    void impossibleSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EctSchedule(-1.1, 0, 2, 8, 1, 100, true));
        assertThrows(IllegalArgumentException.class, () -> new EctSchedule(-1.1, 2, 1, 8, 1, 100, true));
        assertThrows(IllegalArgumentException.class, () -> new EctSchedule(-1.1, 2, 2, 8, 1, 0, true));
    }
}
