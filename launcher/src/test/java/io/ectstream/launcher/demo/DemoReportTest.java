package io.ectstream.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The demo's final wait: done when the newest checkpoint has its evaluation FID for both ECT samplers, not before. */
class DemoReportTest {
    private static JsonObject checkpoint(long step) {
        return new JsonObject().put("runId", "run").put("step", step);
    }

    private static JsonObject fid(long step, String purpose, String sampler, int steps) {
        return new JsonObject().put("runId", "run").put("step", step).put("window", "ALL").put("purpose", purpose)
            .put("sampler", sampler).put("steps", steps).put("fid", 50.0);
    }

    private static JsonObject snapshot(JsonObject... fids) {
        return new JsonObject().put("checkpoints", new JsonArray().add(checkpoint(10)).add(checkpoint(20)))
            .put("fid", new JsonArray(java.util.List.of((Object[]) fids)));
    }

    @Test
    void userTrafficReportsDoNotEndTheWait() {
        assertFalse(DemoReport.lastCheckpointEvaluated(snapshot(fid(20, "USER", "ECT", 1), fid(20, "USER", "ECT", 2)), "run"));
        assertFalse(DemoReport.lastCheckpointEvaluated(snapshot(fid(20, "USER", "ECT", 1), fid(20, "EVALUATION", "ECT", 2)), "run"));
    }

    @Test
    void bothEctSamplersOfTheNewestCheckpointEndIt() {
        assertFalse(DemoReport.lastCheckpointEvaluated(snapshot(fid(10, "EVALUATION", "ECT", 1), fid(10, "EVALUATION", "ECT", 2)), "run"),
            "an older checkpoint's reports");
        assertFalse(DemoReport.lastCheckpointEvaluated(snapshot(fid(20, "EVALUATION", "ECT", 2), fid(20, "EVALUATION", "ECT", 2)), "run"),
            "the same sampler twice");
        assertTrue(DemoReport.lastCheckpointEvaluated(snapshot(fid(20, "EVALUATION", "ECT", 1), fid(20, "EVALUATION", "ECT", 2)), "run"));
        assertFalse(DemoReport.lastCheckpointEvaluated(snapshot(), "other run"));
    }
}
