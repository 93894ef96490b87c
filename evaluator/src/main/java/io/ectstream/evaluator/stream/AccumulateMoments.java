package io.ectstream.evaluator.stream;

import io.ectstream.evaluator.LogFields;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.platform.logging.LogContext;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindow;
import io.ectstream.schemas.FidWindowKind;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds each sample's features to the moments of its group and reports every K samples.
 * State per group, in blocks of K samples: {@code <group>|current} the block being filled,
 * {@code <group>|closed} the moments of every completed block, {@code <group>|block|<i>} completed block i,
 * kept while a rolling window (the last W/K blocks) still needs it. A record reads and writes only the
 * current block (one d(d+1)/2 update per image); the other entries are touched when a block completes.
 * Reports and error records (unreadable state) leave as {@link Parsed}.
 */
final class AccumulateMoments implements Processor<String, FeatureBatch, String, Parsed<FidReport>> {
    private static final Logger log = LoggerFactory.getLogger(AccumulateMoments.class);

    private final ReportSchedule schedule;
    private final FrechetDistance fid;
    private final String extractorId;
    private final String referenceStatsId;
    private final EvaluatorCounters counters;
    private final Clock clock;
    private final boolean knowsCheckpoints;
    private ProcessorContext<String, Parsed<FidReport>> context;
    private KeyValueStore<String, Moments> store;
    private KeyValueStore<String, Long> imagesSeen;

    AccumulateMoments(
            ReportSchedule schedule,
            FrechetDistance fid,
            String extractorId,
            String referenceStatsId,
            EvaluatorCounters counters,
            Clock clock,
            boolean knowsCheckpoints) {
        this.schedule = schedule;
        this.fid = fid;
        this.extractorId = extractorId;
        this.referenceStatsId = referenceStatsId;
        this.counters = counters;
        this.clock = clock;
        this.knowsCheckpoints = knowsCheckpoints;
    }

    @Override
    public void init(ProcessorContext<String, Parsed<FidReport>> context) {
        this.context = context;
        this.store = context.getStateStore(FidTopology.MOMENTS_STORE);
        this.imagesSeen = knowsCheckpoints ? context.getStateStore(FidTopology.IMAGES_SEEN_STORE) : null;
    }

    @Override
    public void process(Record<String, FeatureBatch> record) {
        String group = record.key();
        FeatureBatch batch = record.value();
        Moments current = orNew(read(currentKey(group), record), fid.dimension());
        for (float[] x : batch.features()) {
            current.add(x);
            if (current.count() == schedule.reportEvery()) {
                completeBlock(record, group, current);
                current = new Moments(fid.dimension());
            }
        }
        if (current.count() > 0) {
            store.put(currentKey(group), current);
        } else {
            store.delete(currentKey(group));
        }
        counters.countSamples(batch.features().length);
    }

    /** A block of K samples is full: fold it into the closed moments, report, keep it for the rolling window. */
    private void completeBlock(Record<String, FeatureBatch> record, String group, Moments block) {
        Moments closed = orNew(read(closedKey(group), record), fid.dimension());
        closed.add(block);
        store.put(closedKey(group), closed);
        report(record, closed, new FidWindow(FidWindowKind.ALL, closed.count()));

        int blocks = schedule.blocksInWindow();
        if (blocks == 0) {
            return;
        }
        long blockIndex = closed.count() / schedule.reportEvery() - 1;
        Moments window = block.copy();
        for (long i = Math.max(0, blockIndex - blocks + 1); i < blockIndex; i++) {
            Moments older = read(blockKey(group, i), record);
            if (older != null) {
                window.add(older);
            }
        }
        report(record, window, new FidWindow(FidWindowKind.ROLLING, schedule.windowSamples()));
        if (blocks > 1) {
            store.put(blockKey(group, blockIndex), block);
            // The next rolling window starts one block later.
            store.delete(blockKey(group, blockIndex - blocks + 1));
        }
    }

    private void report(Record<String, FeatureBatch> record, Moments moments, FidWindow window) {
        SampleGroup group = record.value().group();
        double value;
        try {
            value = fid.distance(GaussianStatistics.of(moments));
        } catch (ArithmeticException e) {
            counters.countFailedReport();
            try (LogContext ignored = LogFields.sampleGroup(group)) {
                log.error(
                        "no FID for {} ({} samples, {}): {}",
                        group.key(),
                        moments.count(),
                        window.getKind(),
                        e.getMessage());
            }
            return;
        }
        FidReport report = FidReport.newBuilder()
                .setModelVersion(group.version())
                .setSampler(group.sampler())
                .setNetworkEvaluations(group.networkEvaluations())
                .setPurpose(group.purpose())
                .setNumSamples(moments.count())
                .setFid(value)
                .setFeatureExtractorId(extractorId)
                .setReferenceStatsId(referenceStatsId)
                .setWindow(window)
                .setImagesSeen(imagesSeen == null ? null : imagesSeen.get(group.versionKey()))
                .setCreatedAt(Instant.ofEpochMilli(clock.millis()))
                .build();
        counters.countReport();
        try (LogContext ignored = LogFields.sampleGroup(group)) {
            log.info(
                    "FID {} for {} {} {} NFE {} over {} samples ({})",
                    String.format("%.4f", value),
                    group.versionKey(),
                    group.sampler(),
                    group.networkEvaluations(),
                    group.purpose(),
                    moments.count(),
                    window.getKind());
        }
        context.forward(new Record<>(group.versionKey(), Parsed.ok(report), record.timestamp()));
    }

    /**
     * The stored moments, or null when there are none or they cannot be read (a record in the changelog that
     * is not moments, e.g. written there by another client): then the entry starts again from empty, with a
     * WARN and an error record, rather than every later result of the group failing on it.
     */
    private Moments read(String key, Record<String, FeatureBatch> record) {
        try {
            return store.get(key);
        } catch (SerializationException e) {
            store.put(key, null); // a delete, without delete()'s reading of the old value
            counters.countUnreadableState();
            String reason = "moments state " + key + " unreadable (" + e.getMessage() + "): started again from empty, "
                    + "the samples counted in it are lost";
            log.warn("{}", reason);
            context.forward(new Record<>(
                    record.key(), Parsed.failed(ErrorRecords.unreadableState(reason, clock)), record.timestamp()));
            return null;
        }
    }

    private static Moments orNew(Moments stored, int d) {
        if (stored == null) {
            return new Moments(d);
        }
        if (stored.dimension() != d) {
            throw new IllegalStateException("stored moments have dimension " + stored.dimension() + " but the feature "
                    + "extractor gives " + d + ": use a new application id (or state) for a new extractor");
        }
        return stored;
    }

    static String closedKey(String group) {
        return group + "|closed";
    }

    static String currentKey(String group) {
        return group + "|current";
    }

    static String blockKey(String group, long index) {
        return group + "|block|" + index;
    }
}
