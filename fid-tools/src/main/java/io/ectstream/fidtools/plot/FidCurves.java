package io.ectstream.fidtools.plot;

import io.ectstream.fidtools.score.ScoreResult;
import io.ectstream.fidtools.score.ScoreWeights;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an FID plot shows, from score results: one curve of (kimg, FID) per sampler over the ECT checkpoints
 * (per run and sampler when several ECT runs are present) and one reference level per sampler for the teacher
 * (the PRETRAIN record of its EMA weights with the most images seen). Student weights ({@code score --weights
 * student}) get curves of their own. A checkpoint scored twice with a sampler and weights counts with its last
 * record.
 */
public record FidCurves(List<Curve> curves, List<TeacherLevel> teacherLevels) {

    /** @param points (kimg, FID) in increasing kimg */
    public record Curve(String sampler, String label, List<double[]> points) {}

    public record TeacherLevel(String sampler, String label, double fid) {}

    public static FidCurves of(List<ScoreResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no score results to plot");
        }
        Set<String> extractors = new TreeSet<>();
        Set<String> references = new TreeSet<>();
        for (ScoreResult r : results) {
            extractors.add(r.extractorId());
            references.add(r.referenceId());
        }
        if (extractors.size() > 1 || references.size() > 1) {
            throw new IllegalArgumentException("FIDs of different feature extractors or reference statistics are not"
                    + " comparable: extractors " + extractors + ", references " + references);
        }
        // last record per (run, step, sampler, weights)
        Map<String, ScoreResult> latest = new LinkedHashMap<>();
        for (ScoreResult r : results) {
            latest.put(r.runId() + "\u0000" + r.step() + "\u0000" + r.sampler() + "\u0000" + r.weights(), r);
        }
        List<ScoreResult> ect =
                latest.values().stream().filter(r -> "ECT".equals(r.phase())).toList();
        if (ect.isEmpty()) {
            throw new IllegalArgumentException("no results of ECT checkpoints to plot (" + results.size()
                    + " results, phases " + phases(results) + ")");
        }
        boolean severalRuns = ect.stream().map(ScoreResult::runId).distinct().count() > 1;
        Map<String, List<ScoreResult>> bySeries = new LinkedHashMap<>();
        ect.stream()
                .sorted(Comparator.comparing(ScoreResult::sampler)
                        .thenComparing(ScoreResult::weights)
                        .thenComparing(ScoreResult::runId)
                        .thenComparingLong(ScoreResult::imagesSeen))
                .forEach(r -> bySeries.computeIfAbsent(
                                r.sampler() + " " + r.weights() + (severalRuns ? " " + r.runId() : ""),
                                k -> new ArrayList<>())
                        .add(r));
        List<Curve> curves = new ArrayList<>();
        for (List<ScoreResult> series : bySeries.values()) {
            ScoreResult first = series.get(0);
            String label = "ECT " + samplerName(first.sampler())
                    + (isEma(first) ? "" : " " + first.weights() + " weights")
                    + (severalRuns ? " (" + first.runId() + ")" : "");
            curves.add(new Curve(
                    first.sampler(),
                    label,
                    series.stream().map(r -> new double[] {r.kimg(), r.fid()}).toList()));
        }
        Map<String, ScoreResult> teacher = new LinkedHashMap<>();
        latest.values().stream()
                .filter(r -> "PRETRAIN".equals(r.phase()) && isEma(r))
                .sorted(Comparator.comparing(ScoreResult::sampler))
                .forEach(r -> teacher.merge(r.sampler(), r, (a, b) -> b.imagesSeen() > a.imagesSeen() ? b : a));
        List<TeacherLevel> levels = teacher.values().stream()
                .map(r -> new TeacherLevel(r.sampler(), "teacher " + samplerName(r.sampler()), r.fid()))
                .toList();
        return new FidCurves(List.copyOf(curves), levels);
    }

    /** heun35 -> "Heun 35 NFE", ect1 -> "1-step", ect2 -> "2-step"; anything else as written. */
    static String samplerName(String sampler) {
        return switch (sampler) {
            case "heun35" -> "Heun 35 NFE";
            case "ect1" -> "1-step";
            case "ect2" -> "2-step";
            default -> sampler;
        };
    }

    private static boolean isEma(ScoreResult r) {
        return ScoreWeights.EMA.group().equals(r.weights());
    }

    private static Set<String> phases(List<ScoreResult> results) {
        Set<String> phases = new TreeSet<>();
        results.forEach(r -> phases.add(String.valueOf(r.phase())));
        return phases;
    }

    /** Smallest and largest FID over curves and teacher levels. */
    double[] fidRange() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Curve c : curves) {
            for (double[] p : c.points()) {
                min = Math.min(min, p[1]);
                max = Math.max(max, p[1]);
            }
        }
        for (TeacherLevel t : teacherLevels) {
            min = Math.min(min, t.fid());
            max = Math.max(max, t.fid());
        }
        return new double[] {min, max};
    }
}
