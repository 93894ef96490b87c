package io.ectstream.evaluator.stream;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of what the evaluator did since start: records rejected per stage, duplicates dropped, samples scored, reports made. */
public final class EvaluatorCounters {
    private final AtomicLong undecodableRecords = new AtomicLong();
    private final AtomicLong unusableImages = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong failedReports = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong unreadableState = new AtomicLong();

    public long undecodableRecords() {
        return undecodableRecords.get();
    }

    /** Records whose images could not be decoded or did not fit the feature extractor. */
    public long unusableImages() {
        return unusableImages.get();
    }

    public long rejected() {
        return undecodableRecords() + unusableImages();
    }

    public long samples() {
        return samples.get();
    }

    public long reports() {
        return reports.get();
    }

    public long failedReports() {
        return failedReports.get();
    }

    /** Result chunks dropped because the same (request id, chunk) of their group was counted before. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Moments entries in the state store that could not be read and were started again from empty. */
    public long unreadableState() {
        return unreadableState.get();
    }

    void countDuplicate() {
        duplicates.incrementAndGet();
    }

    void countUnreadableState() {
        unreadableState.incrementAndGet();
    }

    void countUndecodable() {
        undecodableRecords.incrementAndGet();
    }

    void countUnusable() {
        unusableImages.incrementAndGet();
    }

    void countSamples(long n) {
        samples.addAndGet(n);
    }

    void countReport() {
        reports.incrementAndGet();
    }

    void countFailedReport() {
        failedReports.incrementAndGet();
    }
}
