package io.ectstream.sampler.http;

/**
 * The network evaluations (see {@link io.ectstream.sampler.validate.RequestCost}) of the HTTP requests accepted and
 * not yet answered, against a limit. Confined to the HTTP server's event loop.
 */
final class InFlightCost {
    private final long limit;
    private long inFlight;

    InFlightCost(long limit) {
        this.limit = limit;
    }

    /** Takes {@code cost} if it fits under the limit. */
    boolean tryAcquire(long cost) {
        if (inFlight + cost > limit) {
            return false;
        }
        inFlight += cost;
        return true;
    }

    void release(long cost) {
        inFlight -= cost;
    }

    long inFlight() {
        return inFlight;
    }

    long limit() {
        return limit;
    }
}
