package io.ectstream.launcher.dashboard;

import io.ectstream.core.sampling.SampleCaption;
import io.ectstream.schemas.SamplerKind;

/**
 * Samples of one checkpoint made by one sampler: 1-step, 2-step and Heun are shown side by side.
 * {@code networkEvaluations} is what results carry as steps (35 for Heun's 18 steps).
 */
record SampleKey(String runId, long step, SamplerKind sampler, int networkEvaluations) {

    /** "ECT 1-step", "Heun 18 steps, 35 NFE". */
    String label() {
        return SampleCaption.label(sampler, networkEvaluations);
    }

    /** What a grid is captioned with: run, step, sampler and network evaluations per image. */
    String caption() {
        return SampleCaption.of(runId, step, sampler, networkEvaluations);
    }
}
