package io.ectstream.evaluator.stream;

import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;

/**
 * The samples whose statistics are kept together: one model version, one sampler, one count of network
 * evaluations per image (a result's {@code steps}: 1, 2, or 35 for Heun), one purpose.
 * 1-step, 2-step and Heun samples are different distributions and are never pooled.
 */
public record SampleGroup(ModelVersion version, SamplerKind sampler, int networkEvaluations, TrafficPurpose purpose) {

    public static SampleGroup of(GenerationResult result) {
        return new SampleGroup(
                result.getModelVersion(), result.getSampler(), result.getNetworkEvaluations(), result.getPurpose());
    }

    /** The state store and repartition key. */
    public String key() {
        return String.join(
                "|",
                version.getRunId(),
                Long.toString(version.getStep()),
                version.getPhase().name(),
                version.getSha256(),
                sampler.name(),
                Integer.toString(networkEvaluations),
                purpose.name());
    }

    /** The key of FidReports: the model version, {@code runId@step}. */
    public String versionKey() {
        return versionKey(version);
    }

    public static String versionKey(ModelVersion version) {
        return versionKey(version.getRunId(), version.getStep());
    }

    public static String versionKey(String runId, long step) {
        return runId + "@" + step;
    }
}
