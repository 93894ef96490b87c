package io.ectstream.sampler.validate;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.GenerationRequest;

/**
 * A request that passed validation, with what it resolves to: the sampler settings and the seed
 * (the request's, or one chosen here when it gave none; the result reports it).
 */
public record ValidRequest(GenerationRequest request, SamplerSettings settings, long seed, String resultTopic) {

    /** What it costs the generators, in network evaluations ({@link RequestCost}): what every admission counts. */
    public long cost() {
        return RequestCost.of(settings, request.getNumImages());
    }
}
