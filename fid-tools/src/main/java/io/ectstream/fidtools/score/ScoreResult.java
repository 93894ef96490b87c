package io.ectstream.fidtools.score;

/**
 * The FID of one checkpoint with one sampler, as one line of a results file.
 * @param weights            ema or student ({@link ScoreWeights#group()}); lines written before there was a
 *                           choice scored the EMA and read back as ema ({@link ScoreResultsFile})
 * @param sampler            ect1, ect2 or heun35 ({@link ScoreSampler#label()})
 * @param networkEvaluations per image
 * @param seed               image i used noise seed {@code seed + i}
 * @param seconds            wall time of generation and features for this sampler
 */
public record ScoreResult(
        String runId,
        long step,
        long imagesSeen,
        String phase,
        int ectStage,
        String checkpointSha256,
        String weights,
        String sampler,
        int networkEvaluations,
        long samples,
        long seed,
        double tMid,
        double fid,
        String extractorId,
        String referenceId,
        double seconds,
        double imagesPerSecond,
        String device) {

    public double kimg() {
        return imagesSeen / 1000.0;
    }
}
