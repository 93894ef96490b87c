package io.ectstream.fidtools.plot;

import static io.ectstream.fidtools.score.ScoreResultFixtures.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.fidtools.score.ScoreResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class FidCurvesTest {
    @Test
    void oneCurvePerSamplerInKimgOrderTeacherLevelsFromTheLatestPretrainCheckpoint() {
        List<ScoreResult> results = List.of(
                result("teacher", 500, 80000, "PRETRAIN", "heun35", 40.0),
                result("teacher", 1000, 160000, "PRETRAIN", "heun35", 20.0),
                result("teacher", 1000, 160000, "PRETRAIN", "ect1", 300.0),
                result("ect", 20, 166400, "ECT", "ect1", 30.0),
                result("ect", 10, 163200, "ECT", "ect1", 50.0),
                result("ect", 10, 163200, "ECT", "ect2", 25.0),
                result("ect", 10, 163200, "ECT", "ect1", 45.0)); // the same checkpoint scored again: the last counts
        FidCurves curves = FidCurves.of(results);

        assertEquals(2, curves.curves().size());
        FidCurves.Curve ect1 = curves.curves().get(0);
        assertEquals("ECT 1-step", ect1.label());
        assertEquals(2, ect1.points().size());
        assertArrayEquals(new double[] {163.2, 45.0}, ect1.points().get(0), 1e-12);
        assertArrayEquals(new double[] {166.4, 30.0}, ect1.points().get(1), 1e-12);
        assertEquals("ECT 2-step", curves.curves().get(1).label());

        assertEquals(
                List.of(
                        new FidCurves.TeacherLevel("ect1", "teacher 1-step", 300.0),
                        new FidCurves.TeacherLevel("heun35", "teacher Heun 35 NFE", 20.0)),
                curves.teacherLevels());
        assertArrayEquals(new double[] {20.0, 300.0}, curves.fidRange(), 0.0);
    }

    @Test
    void studentWeightsGetTheirOwnCurveAndNeverSetTheTeacherLevel() {
        FidCurves curves = FidCurves.of(List.of(
                result("teacher", 1000, 160000, "PRETRAIN", "heun35", 20.0),
                result("teacher", 1000, 160000, "PRETRAIN", "student", "heun35", 90.0),
                result("ect", 10, 163200, "ECT", "ect2", 25.0),
                result("ect", 10, 163200, "ECT", "student", "ect2", 28.0)));
        assertEquals(
                List.of("ECT 2-step", "ECT 2-step student weights"),
                curves.curves().stream().map(FidCurves.Curve::label).toList());
        assertArrayEquals(
                new double[] {163.2, 28.0}, curves.curves().get(1).points().get(0), 1e-12);
        assertEquals(
                List.of(new FidCurves.TeacherLevel("heun35", "teacher Heun 35 NFE", 20.0)), curves.teacherLevels());
    }

    @Test
    void severalEctRunsGetACurveEach() {
        FidCurves curves = FidCurves.of(List.of(
                result("ect-2pct", 10, 163200, "ECT", "ect2", 25.0),
                result("ect-5pct", 10, 163200, "ECT", "ect2", 22.0)));
        assertEquals(
                List.of("ECT 2-step (ect-2pct)", "ECT 2-step (ect-5pct)"),
                curves.curves().stream().map(FidCurves.Curve::label).toList());
    }

    @Test
    void nothingToPlotOrIncomparableFidsAreClearErrors() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> FidCurves.of(List.of()));
        assertTrue(empty.getMessage().contains("no score results"), empty.getMessage());
        IllegalArgumentException teacherOnly = assertThrows(
                IllegalArgumentException.class,
                () -> FidCurves.of(List.of(result("teacher", 1000, 160000, "PRETRAIN", "heun35", 20.0))));
        assertTrue(teacherOnly.getMessage().contains("no results of ECT checkpoints"), teacherOnly.getMessage());
        ScoreResult a = result("ect", 10, 1, "ECT", "ect1", 5.0);
        ScoreResult otherReference = new ScoreResult(
                "ect",
                20,
                2,
                "ECT",
                1,
                a.checkpointSha256(),
                "ema",
                "ect1",
                1,
                10,
                0,
                0.821,
                4.0,
                a.extractorId(),
                "ref:other",
                1.0,
                1.0,
                "cpu()");
        assertThrows(IllegalArgumentException.class, () -> FidCurves.of(List.of(a, otherReference)));
    }
}
