package io.ectstream.fidtools.score;

import io.ectstream.core.checkpoint.CheckpointFormat;
import java.util.Locale;

/**
 * Which weights of a checkpoint are scored: the EMA (what the sampler serves) or the student (the raw weights
 * the optimizer updates, only in training checkpoints), named as in the results file.
 */
public enum ScoreWeights {
    EMA(CheckpointFormat.GROUP_EMA),
    STUDENT(CheckpointFormat.GROUP_STUDENT);

    private final String group;

    ScoreWeights(String group) {
        this.group = group;
    }

    /** The checkpoint's tensor group, also the name in results files: ema or student. */
    public String group() {
        return group;
    }

    /** Accepts ema and student (any case). */
    public static ScoreWeights parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "ema" -> EMA;
            case "student" -> STUDENT;
            default -> throw new IllegalArgumentException("weights must be ema or student, not '" + text + "'");
        };
    }
}
