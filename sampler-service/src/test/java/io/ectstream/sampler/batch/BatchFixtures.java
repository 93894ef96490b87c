package io.ectstream.sampler.batch;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.TrafficPurpose;

/** Batch keys of both purposes and single-chunk jobs, for the batching tests (no model, no sink). */
final class BatchFixtures {
    static final BatchKey USER = new BatchKey(null, SamplerSettings.ect(1), TrafficPurpose.USER);
    static final BatchKey EVAL = new BatchKey(null, SamplerSettings.ect(1), TrafficPurpose.EVALUATION);

    private BatchFixtures() {}

    /** One chunk holding a whole request of {@code n} images. */
    static Chunk chunk(String id, int n) {
        ValidRequest valid =
                new ValidRequest(Requests.request(id, "run", n, 1, 1).build(), SamplerSettings.ect(1), 1, "results");
        return Chunk.split(new GenerationJob(valid, null, null, 0, 1), n, n).get(0);
    }
}
