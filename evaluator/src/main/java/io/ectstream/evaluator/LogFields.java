package io.ectstream.evaluator;

import io.ectstream.evaluator.stream.SampleGroup;
import io.ectstream.platform.logging.LogContext;

/** The log fields of the evaluator's work (MDC, printed by the JSON log format). */
public final class LogFields {
    /** The checkpoint a line is about, {@code runId@step} (the key of its FID reports). */
    public static final String CHECKPOINT = "checkpoint";
    /** The sample group a line is about: model version, sampler, network evaluations, purpose (SampleGroup#key). */
    public static final String SAMPLE_GROUP = "sampleGroup";

    public static final String REQUEST_ID = "requestId";

    private LogFields() {}

    public static LogContext sampleGroup(SampleGroup group) {
        return LogContext.of(CHECKPOINT, group.versionKey(), SAMPLE_GROUP, group.key());
    }
}
