package io.ectstream.launcher.dashboard;

import io.ectstream.schemas.SamplerKind;

/**
 * Samples of one checkpoint made by one sampler: 1-step, 2-step and Heun are shown side by side.
 * {@code networkEvaluations} is a result's {@code steps} field: network evaluations per image (35 for Heun).
 */
record SampleKey(String runId, long step, SamplerKind sampler, int networkEvaluations) {

    String label() {
        return sampler == SamplerKind.EDM_HEUN
            ? "Heun " + networkEvaluations + " NFE"
            : "ECT " + networkEvaluations + "-step";
    }
}
