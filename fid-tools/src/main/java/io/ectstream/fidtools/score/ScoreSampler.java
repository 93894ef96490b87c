package io.ectstream.fidtools.score;

import io.ectstream.core.sampling.SamplerSettings;
import java.util.Locale;

/** The samplers a checkpoint is scored with, named as in the results file: ect1, ect2 and heun35 (EDM Heun, 18 steps). */
public enum ScoreSampler {
    ECT1("ect1"),
    ECT2("ect2"),
    HEUN35("heun35");

    private final String label;

    ScoreSampler(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public SamplerSettings settings(double tMid) {
        return switch (this) {
            case ECT1 -> SamplerSettings.ect(1, tMid);
            case ECT2 -> SamplerSettings.ect(2, tMid);
            case HEUN35 -> SamplerSettings.heun();
        };
    }

    /** Accepts ect1, ect2, heun and heun35 (any case). */
    public static ScoreSampler parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "ect1" -> ECT1;
            case "ect2" -> ECT2;
            case "heun", "heun35" -> HEUN35;
            default -> throw new IllegalArgumentException("sampler must be ect1, ect2 or heun, not '" + text + "'");
        };
    }
}
