package io.ectstream.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.image.CaptionedGrid;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the demo leaves: only evaluation reports count, every checkpoint of the run is a row (with the reason
 * when it could not be evaluated), Heun is "Heun 35 NFE", grids are 8 x 8 at twice the size with a caption.
 */
class DemoReportTest {
    @TempDir
    Path dir;

    private static JsonObject checkpoint(String run, long step, String phase) {
        return new JsonObject()
                .put("runId", run)
                .put("step", step)
                .put("phase", phase)
                .put("kimg", step / 10.0);
    }

    private static JsonObject fid(long step, String purpose, String sampler, int steps, double value) {
        return new JsonObject()
                .put("runId", "run")
                .put("step", step)
                .put("window", "ALL")
                .put("purpose", purpose)
                .put("sampler", sampler)
                .put("networkEvaluations", steps)
                .put("fid", value)
                .put("phase", "ECT");
    }

    private static JsonObject unevaluated(long step, String reason) {
        return new JsonObject()
                .put("runId", "run")
                .put("step", step)
                .put("phase", "ECT")
                .put("reason", reason);
    }

    private static JsonObject snapshot(List<JsonObject> fids, List<JsonObject> unevaluated) {
        return new JsonObject()
                .put(
                        "checkpoints",
                        new JsonArray()
                                .add(checkpoint("teacher", 0, "PRETRAIN"))
                                .add(checkpoint("run", 10, "ECT"))
                                .add(checkpoint("run", 20, "ECT"))
                                .add(checkpoint("run", 30, "ECT")))
                .put("fid", new JsonArray(List.<Object>copyOf(fids)))
                .put("unevaluated", new JsonArray(List.<Object>copyOf(unevaluated)));
    }

    @Test
    void userTrafficReportsDoNotSettleACheckpoint() {
        JsonObject s = snapshot(
                List.of(
                        fid(30, "USER", "ECT", 1, 50),
                        fid(30, "USER", "ECT", 2, 50),
                        fid(30, "EVALUATION", "ECT", 2, 50)),
                List.of(unevaluated(10, "superseded"), unevaluated(20, "superseded")));
        assertEquals(List.of(30L), DemoReport.unsettled(s, "run"));
    }

    @Test
    void everyCheckpointOfTheRunMustHaveBothEctFidsOrAReason() {
        List<JsonObject> fids = List.of(
                fid(20, "EVALUATION", "ECT", 1, 40),
                fid(20, "EVALUATION", "ECT", 2, 30),
                fid(30, "EVALUATION", "ECT", 1, 20),
                fid(30, "EVALUATION", "ECT", 2, 10));
        assertEquals(
                List.of(10L),
                DemoReport.unsettled(snapshot(fids, List.of()), "run"),
                "an older checkpoint without FID keeps the wait");
        assertEquals(List.of(), DemoReport.unsettled(snapshot(fids, List.of(unevaluated(10, "rejected"))), "run"));
        assertEquals(List.of(), DemoReport.unsettled(snapshot(List.of(), List.of()), "other run"));
    }

    @Test
    void aRunIsScoredOnlyOnceTheDashboardHasSeenItsCheckpoints() {
        List<JsonObject> fids = List.of(
                fid(10, "EVALUATION", "ECT", 1, 40),
                fid(10, "EVALUATION", "ECT", 2, 30),
                fid(20, "EVALUATION", "ECT", 1, 40),
                fid(20, "EVALUATION", "ECT", 2, 30),
                fid(30, "EVALUATION", "ECT", 1, 20));
        assertFalse(DemoReport.scored(snapshot(fids, List.of()), "run"), "step 30 has no 2-step FID yet");
        assertTrue(DemoReport.scored(snapshot(fids, List.of(unevaluated(30, "rejected"))), "run"));
        assertFalse(
                DemoReport.scored(snapshot(fids, List.of()), "served"),
                "a run the dashboard has not seen announced is not scored (the feed reads the topics from the start)");
    }

    @Test
    void theTableHasARowPerCheckpointWithTheReasonOfOneNotEvaluatedAndHeunLabelledWithItsSteps() {
        JsonObject s = snapshot(
                List.of(
                        fid(20, "EVALUATION", "ECT", 1, 40),
                        fid(20, "EVALUATION", "ECT", 2, 30),
                        fid(20, "USER", "ECT", 1, 99),
                        fid(0, "EVALUATION", "EDM_HEUN", 35, 5)
                                .put("runId", "teacher")
                                .put("phase", "PRETRAIN")),
                List.of(unevaluated(10, "superseded before the sampler took it")));
        String expected = """
            | run | step | kimg | phase | ECT 1-step | ECT 2-step | Heun 35 NFE | note |
            |---|---:|---:|---|---:|---:|---:|---|
            | run | 10 | 1.0 | ECT | - | - | - | not evaluated: superseded before the sampler took it |
            | run | 20 | 2.0 | ECT | 40.00 | 30.00 | - |  |
            | run | 30 | 3.0 | ECT | - | - | - | no FID arrived |
            | teacher | 0 | 0.0 | PRETRAIN | - | - | 5.00 |  |
            """;
        assertEquals(expected, DemoReport.fidTable(s));
    }

    @Test
    void gridsAreEightByEightAtTwiceTheSizeUnderACaption() throws Exception {
        ImageShape shape = new ImageShape(1, 28, 28);
        JsonArray pngs = new JsonArray();
        for (int i = 0; i < 64; i++) {
            byte[] pixels = new byte[shape.pixels()];
            java.util.Arrays.fill(pixels, (byte) (i * 3));
            pngs.add(Base64.getEncoder().encodeToString(ImageCodec.toPng(pixels, shape)));
        }
        JsonObject grid = new JsonObject()
                .put("runId", "run")
                .put("step", 20)
                .put("sampler", "EDM_HEUN")
                .put("networkEvaluations", 35)
                .put("label", "Heun 35 NFE")
                .put("caption", "run step 20 · Heun 35 NFE")
                .put("pngs", pngs);
        List<Path> written = DemoReport.writeGrids(new JsonObject().put("samples", new JsonArray().add(grid)), dir);
        assertEquals(1, written.size());
        assertTrue(
                written.get(0).getFileName().toString().contains("heun-35-nfe"),
                written.get(0).toString());
        BufferedImage image = ImageIO.read(Files.newInputStream(written.get(0)));
        assertEquals(8 * 28 * 2, image.getWidth());
        assertEquals(8 * 28 * 2 + CaptionedGrid.CAPTION_HEIGHT, image.getHeight());
        // the last tile (bottom right) holds the last image's value, doubled in both directions
        int gray = image.getRGB(image.getWidth() - 1, image.getHeight() - 1) & 0xff;
        assertEquals(63 * 3, gray);
        assertEquals(gray, image.getRGB(image.getWidth() - 56, image.getHeight() - 56) & 0xff);
        long dark = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < CaptionedGrid.CAPTION_HEIGHT; y++) {
                dark += (image.getRGB(x, y) & 0xff) < 128 ? 1 : 0;
            }
        }
        assertTrue(dark > 50, "the caption is drawn in the strip above the grid: " + dark + " dark pixels");
    }
}
