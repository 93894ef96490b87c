package io.ectstream.sampler.validate;

import io.ectstream.core.sampling.SamplerSettings;

/**
 * What a request costs the generators, in network evaluations: images x evaluations per image (an ECT image 1 or
 * 2, a Heun image 35 at the default 18 steps). Admission (the per-request cap and the HTTP in-flight limit) counts
 * in these units, so that one Heun image weighs as much as 35 one-step images.
 */
public final class RequestCost {
    private RequestCost() {}

    public static long of(SamplerSettings settings, int numImages) {
        return (long) settings.networkEvaluations() * numImages;
    }
}
