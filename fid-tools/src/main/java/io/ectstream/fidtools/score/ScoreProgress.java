package io.ectstream.fidtools.score;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress of one sampler's images: at most one log line per interval with images done/total, images/s and ETA. */
final class ScoreProgress {
    private static final Logger log = LoggerFactory.getLogger(ScoreProgress.class);
    static final long DEFAULT_INTERVAL_NANOS = 10_000_000_000L;

    private final String label;
    private final long total;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final long start;
    private long lastLine;
    private int lines;

    ScoreProgress(String label, long total, long intervalNanos, LongSupplier nanoTime) {
        this.label = label;
        this.total = total;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
        this.lastLine = start;
    }

    /** Called after each batch; logs when the interval has passed since the last line (never for the last batch). */
    void update(long done) {
        long now = nanoTime.getAsLong();
        if (done >= total || now - lastLine < intervalNanos) {
            return;
        }
        lastLine = now;
        lines++;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        long etaSeconds = Math.round((total - done) / Math.max(rate, 1e-9));
        log.info(
                "{}: {}/{} images, {} images/s, ETA {}",
                label,
                done,
                total,
                String.format(java.util.Locale.ROOT, "%.1f", rate),
                formatDuration(etaSeconds));
    }

    double elapsedSeconds() {
        return (nanoTime.getAsLong() - start) / 1e9;
    }

    int lines() {
        return lines;
    }

    static String formatDuration(long seconds) {
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
