package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.Phase;
import java.util.List;

/**
 * What the driver asks the sampler for per checkpoint: {@code samples} images per sampler, in requests of
 * {@code requestImages}. Request c (0-based) carries seed {@code seed + c}, so image i of it is drawn from
 * {@code NoiseSeeds.forImage(seed + c, i)}: the same noise for every checkpoint and every sampler.
 * ECT checkpoints get the 1- and 2-step consistency samplers; pretraining checkpoints get EDM's Heun
 * sampler (35 evaluations), and the 1- and 2-step samplers too when {@code teacherFewStep} is set (what
 * tuning buys); {@code teacherHeun} off drops Heun (35 evaluations per image: the costliest part on a CPU).
 * The evaluator should report every {@code samples} samples ({@code evaluate --report-every}),
 * so that each (checkpoint, sampler) gets exactly one ALL report, over exactly these samples.
 */
public record EvaluationPlan(
        int samples, int requestImages, long seed, double tMid, boolean teacherFewStep, boolean teacherHeun) {

    public EvaluationPlan(int samples, int requestImages, long seed, double tMid, boolean teacherFewStep) {
        this(samples, requestImages, seed, tMid, teacherFewStep, true);
    }

    public EvaluationPlan {
        if (samples < 2) {
            throw new IllegalArgumentException("an evaluation needs at least 2 samples (a covariance), not " + samples);
        }
        if (requestImages < 1) {
            throw new IllegalArgumentException("images per evaluation request must be positive, not " + requestImages);
        }
        if (!teacherHeun && !teacherFewStep) {
            throw new IllegalArgumentException("pretraining checkpoints need at least one sampler: Heun or 1/2-step");
        }
        if (!(tMid > 0)) {
            throw new IllegalArgumentException("tMid must be positive, not " + tMid);
        }
    }

    public List<SamplerSettings> samplersFor(Phase phase) {
        if (phase == Phase.ECT) {
            return List.of(SamplerSettings.ect(1, tMid), SamplerSettings.ect(2, tMid));
        }
        // Few-step first: Heun costs 35 evaluations per image and would hold up the cheap scores behind it.
        List<SamplerSettings> samplers = new java.util.ArrayList<>();
        if (teacherFewStep) {
            samplers.add(SamplerSettings.ect(1, tMid));
            samplers.add(SamplerSettings.ect(2, tMid));
        }
        if (teacherHeun) {
            samplers.add(SamplerSettings.heun());
        }
        return List.copyOf(samplers);
    }

    public int requestsPerSampler() {
        return (samples + requestImages - 1) / requestImages;
    }

    public int imagesInRequest(int chunk) {
        return Math.min(requestImages, samples - chunk * requestImages);
    }

    public long requestSeed(int chunk) {
        return seed + chunk;
    }

    /** The per-image noise seeds of one checkpoint's evaluation, in request order (the same for every checkpoint). */
    public long[] noiseSeeds() {
        long[] seeds = new long[samples];
        int at = 0;
        for (int chunk = 0; chunk < requestsPerSampler(); chunk++) {
            for (int i = 0; i < imagesInRequest(chunk); i++) {
                seeds[at++] = NoiseSeeds.forImage(requestSeed(chunk), i);
            }
        }
        return seeds;
    }
}
