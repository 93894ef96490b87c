package io.ectstream.launcher.demo;

import io.ectstream.core.image.CaptionedGrid;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.history.FidHistoryTable;
import io.ectstream.fidtools.score.CheckpointScorer;
import io.ectstream.schemas.SamplerKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a demo leaves in its run folder: the FID table (Markdown) and one sample grid per checkpoint and sampler.
 * Only evaluation reports count (the driver's fixed seeds, over all its samples): reports on user traffic come
 * whenever users ask and score other samples.
 */
final class DemoReport {
    static final List<String> COLUMNS = List.of(
            FidHistoryTable.Column.title(SamplerKind.ECT, 1),
            FidHistoryTable.Column.title(SamplerKind.ECT, 2),
            FidHistoryTable.Column.title(SamplerKind.EDM_HEUN, 35));

    private DemoReport() {}

    private record Row(String runId, long step) implements Comparable<Row> {
        @Override
        public int compareTo(Row other) {
            int byRun = runId.compareTo(other.runId);
            return byRun != 0 ? byRun : Long.compare(step, other.step);
        }
    }

    /** Per row: phase, kimg, FID per column, and the note of a checkpoint without a FID. */
    private static final class Line {
        String phase;
        Double kimg;
        final Map<String, Double> fids = new TreeMap<>();
        String reason;
    }

    /**
     * One row per checkpoint (run and step) announced or scored, one column per sampler; a checkpoint without
     * an evaluation FID says why (the driver's reason) or that its FID has not arrived.
     */
    static String fidTable(JsonObject snapshot) {
        Map<Row, Line> lines = new TreeMap<>();
        for (JsonObject c : objects(snapshot, "checkpoints")) {
            Line line = lines.computeIfAbsent(new Row(c.getString("runId"), c.getLong("step")), r -> new Line());
            line.phase = c.getString("phase");
            line.kimg = c.getDouble("kimg");
        }
        for (JsonObject p : evaluationReports(snapshot).toList()) {
            Line line = lines.computeIfAbsent(new Row(p.getString("runId"), p.getLong("step")), r -> new Line());
            line.fids.put(column(p), p.getDouble("fid"));
            line.phase = p.getString("phase", line.phase);
            if (p.getDouble("kimg") != null) {
                line.kimg = p.getDouble("kimg");
            }
        }
        for (JsonObject u : objects(snapshot, "unevaluated")) {
            Line line = lines.computeIfAbsent(new Row(u.getString("runId"), u.getLong("step")), r -> new Line());
            line.reason = u.getString("reason");
            line.phase = line.phase != null ? line.phase : u.getString("phase");
            line.kimg = line.kimg != null ? line.kimg : u.getDouble("kimg");
        }
        StringBuilder table =
                new StringBuilder("| run | step | kimg | phase | " + String.join(" | ", COLUMNS) + " | note |\n");
        table.append("|---|---:|---:|---|")
                .append("---:|".repeat(COLUMNS.size()))
                .append("---|\n");
        lines.forEach((row, line) -> {
            table.append("| ")
                    .append(row.runId())
                    .append(" | ")
                    .append(row.step())
                    .append(" | ")
                    .append(line.kimg != null ? String.format(Locale.ROOT, "%.1f", line.kimg) : "-")
                    .append(" | ")
                    .append(line.phase == null ? "-" : line.phase)
                    .append(" |");
            for (String column : COLUMNS) {
                Double fid = line.fids.get(column);
                table.append(' ')
                        .append(fid == null ? "-" : String.format(Locale.ROOT, "%.2f", fid))
                        .append(" |");
            }
            String note = !line.fids.isEmpty()
                    ? ""
                    : line.reason != null ? "not evaluated: " + line.reason : "no FID arrived";
            table.append(' ').append(note).append(" |\n");
        });
        return table.toString();
    }

    /**
     * Writes samples/&lt;run&gt;-step&lt;step&gt;-&lt;sampler&gt;.png for every grid the dashboard holds: 8 columns,
     * pixels doubled, the caption (run, step, sampler, network evaluations) drawn above.
     */
    static List<Path> writeGrids(JsonObject snapshot, Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        for (JsonObject grid : objects(snapshot, "samples")) {
            JsonArray pngs = grid.getJsonArray("pngs");
            if (pngs.isEmpty()) {
                continue;
            }
            byte[] first = Base64.getDecoder().decode(pngs.getString(0));
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(first));
            int channels = image.getRaster().getNumBands() >= 3 ? 3 : 1;
            ImageShape shape = new ImageShape(channels, image.getHeight(), image.getWidth());
            byte[][] images = new byte[pngs.size()][];
            for (int i = 0; i < images.length; i++) {
                images[i] = ImageCodec.fromPng(Base64.getDecoder().decode(pngs.getString(i)), channels);
            }
            String name = CheckpointScorer.gridFileName(
                    grid.getString("runId"),
                    grid.getLong("step"),
                    grid.getString("label").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            Path file = folder.resolve(name);
            Files.write(file, CaptionedGrid.png(images, shape, grid.getString("caption", grid.getString("label"))));
            written.add(file);
        }
        return written;
    }

    /**
     * The run's checkpoints (as steps) that have neither both ECT evaluation FIDs nor a reason why not: what
     * the demo still waits for after training. Empty when every checkpoint of the run is settled.
     */
    static List<Long> unsettled(JsonObject snapshot, String runId) {
        List<Long> steps = objects(snapshot, "checkpoints").stream()
                .filter(c -> runId.equals(c.getString("runId")))
                .map(c -> c.getLong("step"))
                .distinct()
                .sorted()
                .toList();
        List<Long> open = new ArrayList<>();
        for (long step : steps) {
            long samplers = evaluationReports(snapshot)
                    .filter(p -> runId.equals(p.getString("runId"))
                            && p.getLong("step") == step
                            && "ECT".equals(p.getString("sampler")))
                    .map(DemoReport::column)
                    .distinct()
                    .count();
            boolean reason = objects(snapshot, "unevaluated").stream()
                    .anyMatch(u -> runId.equals(u.getString("runId")) && u.getLong("step") == step);
            if (samplers < 2 && !reason) {
                open.add(step);
            }
        }
        return open;
    }

    /** The run has checkpoints on the dashboard, and each has both ECT evaluation FIDs or the reason it has none. */
    static boolean scored(JsonObject snapshot, String runId) {
        boolean announced = objects(snapshot, "checkpoints").stream().anyMatch(c -> runId.equals(c.getString("runId")));
        return announced && unsettled(snapshot, runId).isEmpty();
    }

    private static Stream<JsonObject> evaluationReports(JsonObject snapshot) {
        return objects(snapshot, "fid").stream()
                .filter(p -> "ALL".equals(p.getString("window"))
                        && "EVALUATION".equals(p.getString("purpose"))
                        && p.getDouble("fid") != null);
    }

    private static List<JsonObject> objects(JsonObject snapshot, String key) {
        return snapshot.getJsonArray(key, new JsonArray()).stream()
                .map(JsonObject.class::cast)
                .toList();
    }

    private static String column(JsonObject p) {
        return FidHistoryTable.Column.title(
                SamplerKind.valueOf(p.getString("sampler")), p.getInteger("networkEvaluations"));
    }
}
