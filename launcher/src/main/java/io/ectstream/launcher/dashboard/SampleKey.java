package io.ectstream.launcher.dashboard;

import io.ectstream.core.sampling.SampleCaption;
import io.ectstream.schemas.SamplerKind;

/**
 * Samples of one checkpoint made by one sampler: 1-step, 2-step and Heun are shown side by side.
 * {@code networkEvaluations} as results carry it (35 for Heun).
 */
record SampleKey(String runId, long step, SamplerKind sampler, int networkEvaluations) {

    /** "ECT 1-step", "Heun 35 NFE". */
    String label() {
        return SampleCaption.label(sampler, networkEvaluations);
    }

    /** What a grid is captioned with: run, step, sampler and network evaluations per image. */
    String caption() {
        return SampleCaption.of(runId, step, sampler, networkEvaluations);
    }
}
