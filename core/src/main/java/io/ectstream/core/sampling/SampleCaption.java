package io.ectstream.core.sampling;

import io.ectstream.schemas.SamplerKind;

/**
 * The one wording of a sampling procedure and of a set of samples, shared by the FID tables, the dashboard, the
 * demo's grids and {@code generate --grid}. Procedures are named by their network evaluations per image (NFE), as
 * reports and results count them (nothing recovers a step count from them by arithmetic).
 */
public final class SampleCaption {
    private SampleCaption() {}

    /** "ECT 2-step" (an ECT step is one network evaluation), or for Heun "Heun 35 NFE". */
    public static String label(SamplerKind sampler, int networkEvaluations) {
        return sampler == SamplerKind.ECT
                ? "ECT " + networkEvaluations + "-step"
                : "Heun " + networkEvaluations + " NFE";
    }

    /** What a grid is captioned with: "fashion-ect step 12051 · ECT 2-step, 2 NFE". */
    public static String of(String runId, long step, SamplerKind sampler, int networkEvaluations) {
        String nfe = sampler == SamplerKind.ECT ? ", " + networkEvaluations + " NFE" : "";
        return runId + " step " + step + " · " + label(sampler, networkEvaluations) + nfe;
    }
}
