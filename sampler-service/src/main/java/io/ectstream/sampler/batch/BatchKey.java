package io.ectstream.sampler.batch;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.models.LoadedModel;
import io.ectstream.schemas.TrafficPurpose;

/**
 * Chunks share a forward pass only when they use the same loaded model (by identity), the same sampler
 * settings and the same purpose: evaluation chunks never ride in a user batch, so they can wait behind it.
 */
public record BatchKey(LoadedModel model, SamplerSettings settings, TrafficPurpose purpose) {

    public BatchKey {
        purpose = purpose == null ? TrafficPurpose.USER : purpose;
    }

    /** A key for user traffic. */
    public BatchKey(LoadedModel model, SamplerSettings settings) {
        this(model, settings, TrafficPurpose.USER);
    }

    public boolean evaluation() {
        return purpose == TrafficPurpose.EVALUATION;
    }
}
