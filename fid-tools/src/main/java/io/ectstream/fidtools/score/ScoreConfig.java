package io.ectstream.fidtools.score;

import java.nio.file.Path;
import java.util.List;

/**
 * One scoring run of a checkpoint: image i of every sampler is generated from seed {@code seed + i}, so
 * the same seed makes runs reproducible and checkpoints comparable on the same noise.
 * @param gridDir where to write an 8x8 grid of the first 64 images per sampler, or null for none
 */
public record ScoreConfig(
        Path checkpoint,
        List<ScoreSampler> samplers,
        int samples,
        long seed,
        double tMid,
        int batchSize,
        Path gridDir) {
    public ScoreConfig {
        if (checkpoint == null) {
            throw new IllegalArgumentException("a checkpoint file is required");
        }
        if (samplers == null || samplers.isEmpty()) {
            throw new IllegalArgumentException("at least one sampler is required");
        }
        samplers = List.copyOf(new java.util.LinkedHashSet<>(samplers));
        if (samples < 2) {
            throw new IllegalArgumentException("FID needs at least 2 samples, not " + samples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, not " + batchSize);
        }
        if (!(tMid > 0) || !Double.isFinite(tMid)) {
            throw new IllegalArgumentException("t_mid must be a positive finite noise level, not " + tMid);
        }
    }
}
