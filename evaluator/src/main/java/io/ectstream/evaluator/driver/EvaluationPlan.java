package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.Phase;
import java.util.List;

/**
 * What the driver asks the sampler for per checkpoint: {@code samples} images per sampler, in requests of
 * {@code requestImages}, with request seeds {@code seed + chunk} so that every checkpoint is scored on the
 * same noise. ECT checkpoints get the 1- and 2-step consistency samplers; pretraining checkpoints get
 * EDM's Heun sampler (35 evaluations), and the 1- and 2-step samplers too when {@code teacherFewStep}
 * is set (what tuning buys).
 */
public record EvaluationPlan(int samples, int requestImages, long seed, double tMid, boolean teacherFewStep) {

    public EvaluationPlan {
        if (samples < 2) {
            throw new IllegalArgumentException("an evaluation needs at least 2 samples (a covariance), not " + samples);
        }
        if (requestImages < 1) {
            throw new IllegalArgumentException("images per evaluation request must be positive, not " + requestImages);
        }
    }

    public List<SamplerSettings> samplersFor(Phase phase) {
        if (phase == Phase.ECT) {
            return List.of(SamplerSettings.ect(1, tMid), SamplerSettings.ect(2, tMid));
        }
        return teacherFewStep
            ? List.of(SamplerSettings.heun(), SamplerSettings.ect(1, tMid), SamplerSettings.ect(2, tMid))
            : List.of(SamplerSettings.heun());
    }

    public int requestsPerSampler() {
        return (samples + requestImages - 1) / requestImages;
    }

    public int imagesInRequest(int chunk) {
        return Math.min(requestImages, samples - chunk * requestImages);
    }
}
