package io.ectstream.sampler.validate;

import io.ectstream.core.sampling.SamplerSettings;

/**
 * What a request costs the generators, in network evaluations: images x evaluations per image (an ECT image 1 or
 * 2, a Heun image 35 at the default 18 steps). Admission (the per-request cap and the HTTP in-flight limit) counts
 * in these units, so that one Heun image weighs as much as 35 one-step images.
 */
public final class RequestCost {
    /** Default per-request cap: the largest request the default limits allow at 2 steps (256 images x 2). */
    public static final long DEFAULT_MAX_REQUEST_COST = 512;
    /** Default HTTP in-flight limit: four requests at the default cap. */
    public static final long DEFAULT_MAX_HTTP_IN_FLIGHT_COST = 4 * DEFAULT_MAX_REQUEST_COST;

    private RequestCost() {
    }

    public static long of(SamplerSettings settings, int numImages) {
        return (long) settings.networkEvaluations() * numImages;
    }

    public static long of(ValidRequest request) {
        return of(request.settings(), request.request().getNumImages());
    }
}
