package io.ectstream.core.sampling;

import io.ectstream.schemas.SamplerKind;

/**
 * How to turn noise into images: the ECT consistency sampler with 1 or 2 network evaluations
 * (docs/ECT.md §5), or EDM's Heun sampler for teachers (18 steps = 35 evaluations, rho = 7).
 */
public record SamplerSettings(SamplerKind kind, int steps, double tMid) {
    /** The largest noise level sigma_max, where both samplers start (docs/ECT.md §5). */
    public static final double SIGMA_MAX = 80.0;
    /** t_mid, the noise level of ECT's second step (docs/ECT.md §5). */
    public static final double DEFAULT_T_MID = 0.821;

    public static final int HEUN_STEPS = 18;

    public SamplerSettings {
        if (kind == null) {
            throw new IllegalArgumentException("sampler kind is required");
        }
        if (kind == SamplerKind.ECT && steps != 1 && steps != 2) {
            throw new IllegalArgumentException("ECT sampling takes 1 or 2 steps, not " + steps);
        }
        if (kind == SamplerKind.EDM_HEUN && steps < 1) {
            throw new IllegalArgumentException("Heun sampling needs at least 1 step, not " + steps);
        }
        if (!(tMid > 0) || !Double.isFinite(tMid)) {
            throw new IllegalArgumentException("t_mid must be a positive finite noise level, not " + tMid);
        }
    }

    public static SamplerSettings ect(int steps, double tMid) {
        return new SamplerSettings(SamplerKind.ECT, steps, tMid);
    }

    public static SamplerSettings ect(int steps) {
        return ect(steps, DEFAULT_T_MID);
    }

    public static SamplerSettings heun() {
        return new SamplerSettings(SamplerKind.EDM_HEUN, HEUN_STEPS, DEFAULT_T_MID);
    }

    /** Network evaluations per image: 1 or 2 for ECT, 2 * steps - 1 for Heun (35 for 18 steps). */
    public int networkEvaluations() {
        return kind == SamplerKind.ECT ? steps : 2 * steps - 1;
    }
}
