package io.ectstream.evaluator.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.evaluator.driver.UnevaluatedCheckpoint;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindow;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FidHistoryTableTest {

    static FidReport report(
            long step,
            Phase phase,
            SamplerKind sampler,
            int steps,
            TrafficPurpose purpose,
            FidWindowKind window,
            long n,
            double fid,
            Long imagesSeen) {
        return FidReport.newBuilder()
                .setModelVersion(new ModelVersion("run", step, phase, "ab".repeat(32)))
                .setSampler(sampler)
                .setNetworkEvaluations(steps)
                .setPurpose(purpose)
                .setNumSamples(n)
                .setFid(fid)
                .setFeatureExtractorId("x")
                .setReferenceStatsId("r")
                .setWindow(new FidWindow(window, n))
                .setImagesSeen(imagesSeen)
                .setCreatedAt(Instant.EPOCH)
                .build();
    }

    @Test
    void rowsPerCheckpointColumnsPerSamplerAndStepsLatestAllReportPerCell() {
        List<FidReport> reports = List.of(
                report(
                        20,
                        Phase.ECT,
                        SamplerKind.ECT,
                        2,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ALL,
                        100,
                        9.0,
                        2000L),
                report(
                        10,
                        Phase.PRETRAIN,
                        SamplerKind.EDM_HEUN,
                        35,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ALL,
                        50,
                        30.0,
                        1000L),
                report(
                        10,
                        Phase.PRETRAIN,
                        SamplerKind.EDM_HEUN,
                        35,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ALL,
                        100,
                        25.5,
                        1000L),
                report(
                        20,
                        Phase.ECT,
                        SamplerKind.ECT,
                        1,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ALL,
                        100,
                        12.25,
                        2000L),
                report(
                        20,
                        Phase.ECT,
                        SamplerKind.ECT,
                        1,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ROLLING,
                        100,
                        99.0,
                        2000L),
                report(20, Phase.ECT, SamplerKind.ECT, 1, TrafficPurpose.USER, FidWindowKind.ALL, 400, 77.0, 2000L));
        FidHistoryTable table = FidHistoryTable.of(reports, FidWindowKind.ALL, TrafficPurpose.EVALUATION);
        assertEquals(
                List.of(
                        new FidHistoryTable.Column(SamplerKind.ECT, 1),
                        new FidHistoryTable.Column(SamplerKind.ECT, 2),
                        new FidHistoryTable.Column(SamplerKind.EDM_HEUN, 35)),
                table.columns());
        assertEquals(
                List.of(10L, 20L),
                table.rows().stream().map(FidHistoryTable.Row::step).toList());
        FidHistoryTable.Row teacher = table.rows().get(0);
        assertEquals(
                25.5,
                teacher.cells()
                        .get(new FidHistoryTable.Column(SamplerKind.EDM_HEUN, 35))
                        .getFid());
        assertNull(teacher.cells().get(new FidHistoryTable.Column(SamplerKind.ECT, 1)));
        assertEquals(
                12.25,
                table.rows()
                        .get(1)
                        .cells()
                        .get(new FidHistoryTable.Column(SamplerKind.ECT, 1))
                        .getFid());
        String expected = """
            | step | kimg |    phase | ECT 1-step   | ECT 2-step  | Heun 35 NFE  |
            |------|------|----------|--------------|-------------|--------------|
            |   10 |  1.0 | PRETRAIN | -            | -           | 25.500 (100) |
            |   20 |  2.0 |      ECT | 12.250 (100) | 9.000 (100) | -            |
            """;
        assertEquals(expected, table.format());
        FidHistoryTable user = FidHistoryTable.of(reports, FidWindowKind.ALL, TrafficPurpose.USER);
        assertEquals(
                77.0,
                user.rows()
                        .get(0)
                        .cells()
                        .get(new FidHistoryTable.Column(SamplerKind.ECT, 1))
                        .getFid());
    }

    @Test
    void aCheckpointTheDriverCouldNotEvaluateIsARowWithTheReasonUntilItHasAFid() {
        List<FidReport> reports = List.of(
                report(
                        20,
                        Phase.ECT,
                        SamplerKind.ECT,
                        1,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ALL,
                        100,
                        9.0,
                        2000L),
                report(
                        30,
                        Phase.ECT,
                        SamplerKind.ECT,
                        1,
                        TrafficPurpose.EVALUATION,
                        FidWindowKind.ALL,
                        100,
                        8.0,
                        3000L));
        List<UnevaluatedCheckpoint> unevaluated = List.of(
                new UnevaluatedCheckpoint("run", 10, Phase.ECT, 1000L, "superseded before the sampler took it"),
                new UnevaluatedCheckpoint("run", 30, Phase.ECT, 3000L, "the sampler did not serve it within PT2M"));
        FidHistoryTable table = FidHistoryTable.of(reports, FidWindowKind.ALL, TrafficPurpose.EVALUATION, unevaluated);
        assertEquals(
                List.of(10L, 20L, 30L),
                table.rows().stream().map(FidHistoryTable.Row::step).toList());
        assertNull(table.rows().get(2).note(), "a later backfill's FID replaces the reason");
        String expected = """
            | step | kimg | phase | ECT 1-step  | not evaluated because                 |
            |------|------|-------|-------------|---------------------------------------|
            |   10 |  1.0 |   ECT | -           | superseded before the sampler took it |
            |   20 |  2.0 |   ECT | 9.000 (100) |                                       |
            |   30 |  3.0 |   ECT | 8.000 (100) |                                       |
            """;
        assertEquals(expected, table.format());
    }
}
