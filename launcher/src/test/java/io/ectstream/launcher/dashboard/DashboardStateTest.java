package io.ectstream.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        assertEquals(100 * 4 / 10.0, throughput.getDouble("userImagesPerSecond"), 1e-9, "400 images over a 10 s window");
        assertEquals(4 / 10.0, throughput.getDouble("evaluationImagesPerSecond"), 1e-9);
        assertEquals(50.0, throughput.getDouble("userLatencyP50Ms"), 1e-9, "evaluation latency is not user latency");
        assertEquals(99.0, throughput.getDouble("userLatencyP99Ms"), 1e-9);
        assertEquals(0.0, state.toJson(false, now + 20_000).getJsonObject("throughput").getDouble("userImagesPerSecond"));
    }

    @Test
    void keepsAFullGridPerCheckpointAndSamplerAndOnlyTheNewestCheckpoints() {
        DashboardState state = new DashboardState();
        for (long step = 1; step <= DashboardState.CHECKPOINTS_SHOWN + 2; step++) {
            for (int r = 0; r < 6; r++) {
                state.result(DashboardRecords.result(step, 1, TrafficPurpose.EVALUATION, 1, ImageFormat.RAW_UINT8), 0);
            }
            state.result(DashboardRecords.result(step, 2, TrafficPurpose.EVALUATION, 1, ImageFormat.PNG), 0);
        }
        JsonArray grids = state.toJson(true, 0).getJsonArray("samples");
        assertEquals(2 * DashboardState.CHECKPOINTS_SHOWN, grids.size());
        JsonObject newestOneStep = grids.stream().map(JsonObject.class::cast)
            .filter(g -> g.getLong("step") == DashboardState.CHECKPOINTS_SHOWN + 2 && g.getInteger("steps") == 1)
            .findFirst().orElseThrow();
        assertEquals(DashboardState.IMAGES_PER_GRID, newestOneStep.getJsonArray("pngs").size());
        assertEquals("ECT 1-step", newestOneStep.getString("label"));
        long oldest = grids.stream().map(JsonObject.class::cast).mapToLong(g -> g.getLong("step")).min().orElseThrow();
        assertEquals(3, oldest);
    }

    @Test
    void heunGridIsLabelledWithTheNetworkEvaluationsOfItsResults() {
        DashboardState state = new DashboardState();
        GenerationResult heunResult = DashboardRecords.result(1, 35, TrafficPurpose.EVALUATION, 1, ImageFormat.PNG);
        state.result(GenerationResult.newBuilder(heunResult)
            .setSampler(SamplerKind.EDM_HEUN).build(), 0);
        JsonObject heun = state.toJson(true, 0).getJsonArray("samples").getJsonObject(0);
        assertEquals(35, heun.getInteger("steps"));
        assertEquals("Heun 35 NFE", heun.getString("label"), "a result's steps field already counts evaluations");
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
}
