package io.ectstream.launcher.demo;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.score.CheckpointScorer;
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

/** What a demo leaves in its run folder: the FID table (Markdown) and one sample grid per checkpoint and sampler. */
final class DemoReport {
    private DemoReport() {
    }

    private record Row(String runId, long step) implements Comparable<Row> {
        @Override
        public int compareTo(Row other) {
            int byRun = runId.compareTo(other.runId);
            return byRun != 0 ? byRun : Long.compare(step, other.step);
        }
    }

    /** FID over all evaluation samples, one row per checkpoint (run and step), one column per sampler. */
    static String fidTable(JsonObject snapshot) {
        Map<Row, Map<String, Double>> byCheckpoint = new TreeMap<>();
        Map<Row, String> phase = new TreeMap<>();
        Map<Row, Double> kimg = new TreeMap<>();
        for (Object o : snapshot.getJsonArray("fid")) {
            JsonObject p = (JsonObject) o;
            if (!"ALL".equals(p.getString("window")) || !"EVALUATION".equals(p.getString("purpose")) || p.getDouble("fid") == null) {
                continue;
            }
            Row row = new Row(p.getString("runId"), p.getLong("step"));
            byCheckpoint.computeIfAbsent(row, r -> new TreeMap<>()).put(column(p), p.getDouble("fid"));
            phase.put(row, p.getString("phase"));
            if (p.getDouble("kimg") != null) {
                kimg.put(row, p.getDouble("kimg"));
            }
        }
        List<String> columns = List.of("ECT 1-step", "ECT 2-step", "Heun 35 NFE");
        StringBuilder table = new StringBuilder("| run | step | kimg | phase | " + String.join(" | ", columns) + " |\n");
        table.append("|---|---:|---:|---|").append("---:|".repeat(columns.size())).append('\n');
        byCheckpoint.forEach((row, fids) -> {
            table.append("| ").append(row.runId()).append(" | ").append(row.step()).append(" | ")
                .append(kimg.containsKey(row) ? String.format(Locale.ROOT, "%.1f", kimg.get(row)) : "-").append(" | ")
                .append(phase.get(row)).append(" |");
            for (String column : columns) {
                Double fid = fids.get(column);
                table.append(' ').append(fid == null ? "-" : String.format(Locale.ROOT, "%.2f", fid)).append(" |");
            }
            table.append('\n');
        });
        return table.toString();
    }

    /** Writes samples/&lt;run&gt;-step&lt;step&gt;-&lt;sampler&gt;.png for every grid the dashboard holds. */
    static List<Path> writeGrids(JsonObject snapshot, Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        for (Object o : snapshot.getJsonArray("samples", new JsonArray())) {
            JsonObject grid = (JsonObject) o;
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
            String name = CheckpointScorer.gridFileName(grid.getString("runId"), grid.getLong("step"),
                grid.getString("label").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            Path file = folder.resolve(name);
            Files.write(file, ImageCodec.gridPng(images, shape, 4));
            written.add(file);
        }
        return written;
    }

    /**
     * Whether the run's newest checkpoint has its evaluation FID (over all its evaluation samples) for both ECT samplers.
     * Reports on user traffic do not count: they come whenever users ask, not when evaluation is done.
     */
    static boolean lastCheckpointEvaluated(JsonObject snapshot, String runId) {
        long last = snapshot.getJsonArray("checkpoints").stream().map(JsonObject.class::cast)
            .filter(c -> runId.equals(c.getString("runId"))).mapToLong(c -> c.getLong("step")).max().orElse(-1);
        long samplers = snapshot.getJsonArray("fid").stream().map(JsonObject.class::cast)
            .filter(p -> runId.equals(p.getString("runId")) && p.getLong("step") == last && "ALL".equals(p.getString("window"))
                && "EVALUATION".equals(p.getString("purpose")) && !"EDM_HEUN".equals(p.getString("sampler")))
            .map(DemoReport::column).distinct().count();
        return last >= 0 && samplers >= 2;
    }

    private static String column(JsonObject p) {
        return "EDM_HEUN".equals(p.getString("sampler")) ? "Heun 35 NFE" : "ECT " + p.getInteger("steps") + "-step";
    }
}
