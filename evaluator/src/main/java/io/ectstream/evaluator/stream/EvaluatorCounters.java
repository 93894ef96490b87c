package io.ectstream.evaluator.stream;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of what the evaluator did since start: records rejected per stage, duplicates dropped, records it could not
 * write, samples scored, reports made.
 */
public final class EvaluatorCounters {
    private final AtomicLong undecodableRecords = new AtomicLong();
    private final AtomicLong unusableImages = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong failedReports = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong unreadableState = new AtomicLong();
    private final AtomicLong unwritableRecords = new AtomicLong();

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

    /** Records the application could not serialize or write, skipped by {@link SkipUnwritableRecords}. */
    public long unwritableRecords() {
        return unwritableRecords.get();
    }

    long countUnwritable() {
        return unwritableRecords.incrementAndGet();
    }

    long countDuplicate() {
        return duplicates.incrementAndGet();
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

    /** Exports the counts as ect_evaluator_* counters. */
    void bindTo(MeterRegistry registry) {
        counter(registry, "ect_evaluator_undecodable_records", undecodableRecords, "result records that were not one");
        counter(registry, "ect_evaluator_unusable_images", unusableImages, "results whose images could not be scored");
        counter(registry, "ect_evaluator_duplicates", duplicates, "result chunks dropped as counted before");
        counter(registry, "ect_evaluator_samples", samples, "images scored");
        counter(registry, "ect_evaluator_reports", reports, "FID reports made");
        counter(registry, "ect_evaluator_failed_reports", failedReports, "FID reports that could not be computed");
        counter(registry, "ect_evaluator_unreadable_state", unreadableState, "moments entries started again");
        counter(registry, "ect_evaluator_unwritable_records", unwritableRecords, "records skipped: not writable");
    }

    private static void counter(MeterRegistry registry, String name, AtomicLong value, String description) {
        FunctionCounter.builder(name, value, AtomicLong::get)
                .description(description)
                .register(registry);
    }
}
