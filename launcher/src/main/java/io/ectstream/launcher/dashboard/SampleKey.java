package io.ectstream.launcher.dashboard;

import io.ectstream.schemas.SamplerKind;

/** Samples of one checkpoint made by one sampler: 1-step, 2-step and Heun are shown side by side. */
record SampleKey(String runId, long step, SamplerKind sampler, int steps) {

    String label() {
        return sampler == SamplerKind.EDM_HEUN ? "Heun " + (2 * steps - 1) + " NFE" : "ECT " + steps + "-step";
    }
}
