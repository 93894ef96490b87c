package io.ectstream.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.driver.UnevaluatedCheckpoint;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardStateTest {

    @Test
    void separatesUserAndEvaluationTrafficAndComputesLatencyPercentiles() {
        DashboardState state = new DashboardState();
        long now = 1_000_000;
        for (int i = 1; i <= 100; i++) {
            state.result(DashboardRecords.result(10, 1, TrafficPurpose.USER, i, ImageFormat.PNG), now);
        }
        state.result(DashboardRecords.result(10, 2, TrafficPurpose.EVALUATION, 9999, ImageFormat.RAW_UINT8), now);
        JsonObject throughput = state.toJson(false, now).getJsonObject("throughput");
        assertEquals(
                100 * 4 / 10.0, throughput.getDouble("userImagesPerSecond"), 1e-9, "400 images over a 10 s window");
        assertEquals(4 / 10.0, throughput.getDouble("evaluationImagesPerSecond"), 1e-9);
        assertEquals(50.0, throughput.getDouble("userLatencyP50Ms"), 1e-9, "evaluation latency is not user latency");
        assertEquals(99.0, throughput.getDouble("userLatencyP99Ms"), 1e-9);
        assertEquals(
                0.0,
                state.toJson(false, now + 20_000).getJsonObject("throughput").getDouble("userImagesPerSecond"));
    }

    @Test
    void keepsAFullGridPerCheckpointAndSamplerAndOnlyTheNewestCheckpoints() {
        DashboardState state = new DashboardState();
        for (long step = 1; step <= DashboardState.CHECKPOINTS_SHOWN + 2; step++) {
            for (int r = 0; r < DashboardState.IMAGES_PER_GRID / 4 + 1; r++) {
                state.result(DashboardRecords.result(step, 1, TrafficPurpose.EVALUATION, 1, ImageFormat.RAW_UINT8), 0);
            }
            state.result(DashboardRecords.result(step, 2, TrafficPurpose.EVALUATION, 1, ImageFormat.PNG), 0);
        }
        JsonArray grids = state.toJson(true, 0).getJsonArray("samples");
        assertEquals(2 * DashboardState.CHECKPOINTS_SHOWN, grids.size());
        JsonObject newestOneStep = grids.stream()
                .map(JsonObject.class::cast)
                .filter(g -> g.getLong("step") == DashboardState.CHECKPOINTS_SHOWN + 2
                        && g.getInteger("networkEvaluations") == 1)
                .findFirst()
                .orElseThrow();
        assertEquals(
                DashboardState.IMAGES_PER_GRID,
                newestOneStep.getJsonArray("pngs").size());
        assertEquals("ECT 1-step", newestOneStep.getString("label"));
        assertEquals(
                "run-a step " + (DashboardState.CHECKPOINTS_SHOWN + 2) + " · ECT 1-step, 1 NFE",
                newestOneStep.getString("caption"));
        long oldest = grids.stream()
                .map(JsonObject.class::cast)
                .mapToLong(g -> g.getLong("step"))
                .min()
                .orElseThrow();
        assertEquals(3, oldest);
    }

    @Test
    void theServedModelsSamplesStayWhileTheTuningRunMovesOnAndTheRolesAreOnThePage() {
        DashboardState state = new DashboardState(new DashboardRoles("shipped", "teacher"));
        GenerationResult served = DashboardRecords.result(12_051, 2, TrafficPurpose.USER, 1, ImageFormat.PNG);
        served.getModelVersion().setRunId("shipped");
        state.result(served, 0);
        for (long step = 1; step <= DashboardState.CHECKPOINTS_SHOWN + 2; step++) {
            state.result(DashboardRecords.result(step, 1, TrafficPurpose.EVALUATION, 1, ImageFormat.PNG), 0);
        }
        JsonObject json = state.toJson(true, 0);
        List<String> versions = json.getJsonArray("samples").stream()
                .map(JsonObject.class::cast)
                .map(g -> g.getString("runId") + "@" + g.getLong("step"))
                .toList();
        assertEquals(DashboardState.CHECKPOINTS_SHOWN + 1, versions.size(), versions.toString());
        assertTrue(versions.contains("shipped@12051"), versions.toString());
        assertTrue(!versions.contains("run-a@2") && versions.contains("run-a@3"), versions.toString());
        assertEquals("shipped", json.getJsonObject("roles").getString("servedRun"));
        assertEquals("teacher", json.getJsonObject("roles").getString("teacherRun"));
    }

    @Test
    void heunGridIsLabelledWithTheNetworkEvaluationsOfItsResults() {
        DashboardState state = new DashboardState();
        GenerationResult heunResult = DashboardRecords.result(1, 35, TrafficPurpose.EVALUATION, 1, ImageFormat.PNG);
        state.result(
                GenerationResult.newBuilder(heunResult)
                        .setSampler(SamplerKind.EDM_HEUN)
                        .build(),
                0);
        JsonObject heun = state.toJson(true, 0).getJsonArray("samples").getJsonObject(0);
        assertEquals(35, heun.getInteger("networkEvaluations"));
        assertEquals("Heun 35 NFE", heun.getString("label"), "a result carries its network evaluations");
    }

    @Test
    void fidPointsTakeImagesSeenFromTheCheckpointWhenTheReportLacksThem() {
        DashboardState state = new DashboardState();
        state.checkpoint(DashboardRecords.checkpoint(50));
        var report = DashboardRecords.fid(50, 2, 12.5);
        report.setImagesSeen(null);
        state.fid(report);
        var other = DashboardRecords.fid(70, 2, 10.0);
        other.setImagesSeen(null);
        state.fid(other);
        JsonArray fid = state.toJson(false, 0).getJsonArray("fid");
        assertEquals(50 * 64 / 1000.0, fid.getJsonObject(0).getDouble("kimg"), 1e-12);
        assertNull(fid.getJsonObject(1).getValue("kimg"), "unknown checkpoint: no x position");
        assertEquals(12.5, fid.getJsonObject(0).getDouble("fid"));
    }

    @Test
    void errorsGiveUnevaluatedRowsAndCountUserRequestsRefusedByCodeName() {
        DashboardState state = new DashboardState();
        var checkpoint = DashboardRecords.checkpoint(40);
        state.error(UnevaluatedCheckpoint.toError(
                checkpoint,
                ErrorCode.UNKNOWN_MODEL,
                "superseded before the sampler took it",
                "ect.checkpoints",
                Instant.EPOCH));
        state.error(userError("demo-user-1", ErrorCode.OVERLOADED));
        state.error(userError("demo-user-2", ErrorCode.OVERLOADED));
        state.error(userError("demo-user-3", ErrorCode.TOO_COSTLY));
        state.error(userError("demo-user-4", ErrorCode.INVALID_REQUEST));
        state.error(userError("eval:run-a@40:ect1:0:ab", ErrorCode.OVERLOADED));
        JsonObject json = state.toJson(false, 0);
        assertEquals(
                new JsonObject().put("OVERLOADED", 2L).put("TOO_COSTLY", 1L),
                json.getJsonObject("userShed"),
                "evaluation requests and other errors are not user requests refused under load");
        JsonArray unevaluated = json.getJsonArray("unevaluated");
        assertEquals(1, unevaluated.size());
        assertEquals(
                "superseded before the sampler took it",
                unevaluated.getJsonObject(0).getString("reason"));
        assertEquals(40L, unevaluated.getJsonObject(0).getLong("step"));
        assertEquals(40 * 64 / 1000.0, unevaluated.getJsonObject(0).getDouble("kimg"), 1e-12);

        state.fid(DashboardRecords.fid(40, 1, 12.0));
        assertEquals(
                0,
                state.toJson(false, 0).getJsonArray("unevaluated").size(),
                "a later evaluation FID replaces the row");
    }

    @Test
    void heunPointsAreLabelledWithStepsAndNetworkEvaluationsAndAnsweredUserRequestsAreCounted() {
        DashboardState state = new DashboardState();
        var heun = DashboardRecords.fid(10, 35, 20.0);
        heun.setSampler(SamplerKind.EDM_HEUN);
        state.fid(heun);
        assertEquals(
                "Heun 35 NFE",
                state.toJson(false, 0).getJsonArray("fid").getJsonObject(0).getString("label"));
        for (int i = 0; i < 5; i++) {
            state.result(DashboardRecords.result(10, 1, TrafficPurpose.USER, 10, ImageFormat.PNG), 1000);
        }
        var firstChunk = DashboardRecords.result(10, 1, TrafficPurpose.USER, 10, ImageFormat.PNG);
        firstChunk.setChunkCount(2);
        state.result(firstChunk, 1000);
        assertEquals(
                5 / 10.0,
                state.toJson(false, 1000).getJsonObject("throughput").getDouble("userRequestsPerSecond"),
                1e-9,
                "requests whose last chunk arrived, over the 10 s window");
    }

    private static GenerationError userError(String requestId, ErrorCode code) {
        return GenerationError.newBuilder()
                .setRequestId(requestId)
                .setCode(code)
                .setReason("test")
                .setComponent("sampler-service")
                .setOccurredAt(Instant.EPOCH)
                .build();
    }
}
