package io.ectstream.launcher.dashboard;

import java.util.ArrayDeque;
import java.util.Arrays;

/** The most recent latencies, for p50 and p99. */
final class LatencyWindow {
    private final int capacity;
    private final ArrayDeque<Double> values = new ArrayDeque<>();

    LatencyWindow(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(double millis) {
        if (values.size() == capacity) {
            values.removeFirst();
        }
        values.addLast(millis);
    }

    synchronized int count() {
        return values.size();
    }

    /** Nearest-rank percentile; NaN when empty. */
    synchronized double percentile(double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
