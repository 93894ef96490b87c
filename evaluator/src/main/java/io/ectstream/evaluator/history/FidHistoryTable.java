package io.ectstream.evaluator.history;

import io.ectstream.core.sampling.SampleCaption;
import io.ectstream.evaluator.driver.UnevaluatedCheckpoint;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * FID against training progress: one row per checkpoint (step, kimg, phase), one column per (sampler, network evaluations).
 * A cell holds the report of its window kind and purpose with the most samples (the latest for ALL), shown
 * as {@code FID (n)}; "-" where there is none. Pure: reports in, rows and text out.
 */
public final class FidHistoryTable {

    /** A column: one sampling procedure, by its sampler kind and network evaluations per image (35 for Heun). */
    public record Column(SamplerKind sampler, int networkEvaluations) implements Comparable<Column> {
        @Override
        public int compareTo(Column o) {
            return Comparator.comparing(Column::sampler)
                    .thenComparingInt(Column::networkEvaluations)
                    .compare(this, o);
        }

        public String title() {
            return title(sampler, networkEvaluations);
        }

        /** The label of a sampling procedure ({@link SampleCaption#label}): "ECT 2-step", "Heun 35 NFE". */
        public static String title(SamplerKind sampler, int networkEvaluations) {
            return SampleCaption.label(sampler, networkEvaluations);
        }
    }

    /**
     * A row: one checkpoint and its best report per column; {@code note} says why a checkpoint has no FID
     * (the evaluation driver's report), null when it has one.
     */
    public record Row(long step, Long imagesSeen, Phase phase, Map<Column, FidReport> cells, String note) {
        Row(long step, Long imagesSeen, Phase phase, Map<Column, FidReport> cells) {
            this(step, imagesSeen, phase, cells, null);
        }
    }

    private final List<Column> columns;
    private final List<Row> rows;

    private FidHistoryTable(List<Column> columns, List<Row> rows) {
        this.columns = columns;
        this.rows = rows;
    }

    /** @param purpose null for both purposes (then a cell takes whichever report has more samples) */
    public static FidHistoryTable of(List<FidReport> reports, FidWindowKind window, TrafficPurpose purpose) {
        return of(reports, window, purpose, List.of());
    }

    /**
     * Also a row, with the reason, for each checkpoint the driver could not evaluate and that has no report
     * (a later backfill's report replaces it); the last reason of a checkpoint counts.
     */
    public static FidHistoryTable of(
            List<FidReport> reports,
            FidWindowKind window,
            TrafficPurpose purpose,
            List<UnevaluatedCheckpoint> unevaluated) {
        FidHistoryTable scored = scored(reports, window, purpose);
        TreeMap<Long, Row> rows = new TreeMap<>();
        scored.rows.forEach(r -> rows.put(r.step(), r));
        for (UnevaluatedCheckpoint u : unevaluated) {
            Row held = rows.get(u.step());
            if (held == null || held.note() != null) {
                rows.put(u.step(), new Row(u.step(), u.imagesSeen(), u.phase(), Map.of(), u.reason()));
            }
        }
        return new FidHistoryTable(scored.columns, List.copyOf(rows.values()));
    }

    private static FidHistoryTable scored(List<FidReport> reports, FidWindowKind window, TrafficPurpose purpose) {
        TreeSet<Column> columns = new TreeSet<>();
        TreeMap<Long, Row> rows = new TreeMap<>();
        for (FidReport r : reports) {
            if (r.getWindow().getKind() != window || (purpose != null && r.getPurpose() != purpose)) {
                continue;
            }
            Column column = new Column(r.getSampler(), r.getNetworkEvaluations());
            columns.add(column);
            long step = r.getModelVersion().getStep();
            Row row = rows.computeIfAbsent(
                    step, s -> new Row(s, r.getImagesSeen(), r.getModelVersion().getPhase(), new TreeMap<>()));
            if (row.imagesSeen() == null && r.getImagesSeen() != null) {
                row = new Row(step, r.getImagesSeen(), row.phase(), row.cells());
                rows.put(step, row);
            }
            FidReport held = row.cells().get(column);
            if (held == null || r.getNumSamples() >= held.getNumSamples()) {
                row.cells().put(column, r);
            }
        }
        return new FidHistoryTable(List.copyOf(columns), List.copyOf(rows.values()));
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Row> rows() {
        return rows;
    }

    /** A Markdown table. */
    public String format() {
        List<String> header = new ArrayList<>(List.of("step", "kimg", "phase"));
        columns.forEach(c -> header.add(c.title()));
        boolean notes = rows.stream().anyMatch(r -> r.note() != null);
        if (notes) {
            header.add("not evaluated because");
        }
        List<List<String>> lines = new ArrayList<>();
        for (Row row : rows) {
            List<String> line = new ArrayList<>();
            line.add(Long.toString(row.step()));
            line.add(row.imagesSeen() == null ? "?" : String.format(Locale.ROOT, "%.1f", row.imagesSeen() / 1000.0));
            line.add(row.phase().name());
            for (Column c : columns) {
                FidReport r = row.cells().get(c);
                line.add(r == null ? "-" : String.format(Locale.ROOT, "%.3f (%d)", r.getFid(), r.getNumSamples()));
            }
            if (notes) {
                line.add(row.note() == null ? "" : row.note());
            }
            lines.add(line);
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> line : lines) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, header, width);
        out.append('|');
        for (int w : width) {
            out.append('-').append("-".repeat(w)).append("-|");
        }
        out.append('\n');
        lines.forEach(line -> appendLine(out, line, width));
        return out.toString();
    }

    private static void appendLine(StringBuilder out, List<String> cells, int[] width) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            out.append(' ')
                    .append(
                            i < 3
                                    ? " ".repeat(width[i] - cell.length()) + cell
                                    : cell + " ".repeat(width[i] - cell.length()))
                    .append(" |");
        }
        out.append('\n');
    }
}
