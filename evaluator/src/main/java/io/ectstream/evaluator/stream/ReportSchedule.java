package io.ectstream.evaluator.stream;

/**
 * When reports are made and what the rolling window holds. Every {@code reportEvery} (K) new samples of
 * a sample group, one report over all its samples and one over the rolling window: the last
 * {@code windowSamples} (W) samples, a count window made of the last W / K blocks of K samples.
 * W = 0 turns the rolling report off. Count windows (not time windows) make the rolling FID
 * independent of traffic rate, and its sample count, hence its bias, fixed.
 */
public record ReportSchedule(long reportEvery, long windowSamples) {
    public static final long DEFAULT_REPORT_EVERY = 1000;
    public static final long DEFAULT_WINDOW_SAMPLES = 5000;

    public ReportSchedule {
        if (reportEvery < 2) {
            throw new IllegalArgumentException(
                    "reports need at least 2 samples (a covariance), got K = " + reportEvery);
        }
        if (windowSamples < 0 || windowSamples % reportEvery != 0) {
            throw new IllegalArgumentException("the rolling window (" + windowSamples
                    + " samples) must be 0 or a multiple of the report interval K = " + reportEvery);
        }
    }

    /** A report every 1000 samples, and one over the last 5000. */
    public static ReportSchedule defaults() {
        return new ReportSchedule(DEFAULT_REPORT_EVERY, DEFAULT_WINDOW_SAMPLES);
    }

    /** Number of K-sample blocks in the rolling window (0: no rolling report). */
    public int blocksInWindow() {
        return Math.toIntExact(windowSamples / reportEvery);
    }
}
