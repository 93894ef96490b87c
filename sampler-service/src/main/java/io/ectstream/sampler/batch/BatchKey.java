package io.ectstream.sampler.batch;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.models.LoadedModel;

/** Chunks share a forward pass only when they use the same loaded model (by identity) and the same sampler settings. */
public record BatchKey(LoadedModel model, SamplerSettings settings) {
}
