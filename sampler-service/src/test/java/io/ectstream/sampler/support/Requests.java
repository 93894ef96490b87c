package io.ectstream.sampler.support;

import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import java.time.Instant;

/** GenerationRequests for tests. */
public final class Requests {
    private Requests() {}

    public static GenerationRequest.Builder request(String id, String runId, int numImages, int steps, long seed) {
        return GenerationRequest.newBuilder()
                .setRequestId(id)
                .setModel(new ModelSelector(runId, null))
                .setNumImages(numImages)
                .setSteps(steps)
                .setSeed(seed)
                .setOutputFormat(ImageFormat.RAW_UINT8)
                .setCreatedAt(Instant.now());
    }
}
