package io.ectstream.schemas.records;

import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.time.Instant;
import java.util.UUID;

/**
 * The one place a {@link GenerationRequest} is built, whoever asks: the HTTP body, {@code generate}, the demo's load,
 * the evaluation driver, {@code bench-sampler}. It owns what every request shares:
 * <ul>
 *   <li>the defaults of a choice left out: {@value #DEFAULT_NUM_IMAGES} image, {@value #DEFAULT_STEPS} step, PNG, the
 *       ECT sampler, user traffic, and null (the sampler decides) for the step of the run, seed, t_mid, reply topic and
 *       deadline;</li>
 *   <li>fresh ids, {@link #newId}: the sender's prefix and a random UUID;</li>
 *   <li>the fields a request cannot go without: a request id that is not blank, a run id, a creation time.</li>
 * </ul>
 * Ranges that depend on a sampler (images per request, steps per sampler kind, t_mid) are checked by the sampler's
 * RequestValidator, so that a request is refused alike over HTTP and over Kafka.
 */
public final class GenerationRequests {
    public static final int DEFAULT_NUM_IMAGES = 1;
    public static final int DEFAULT_STEPS = 1;

    private GenerationRequests() {}

    /** {@code <prefix>-<random UUID>}, e.g. {@code http-0f8c...}: the prefix tells where a request came from. */
    public static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /**
     * A request for images of run {@code runId}: its newest checkpoint when {@code step} is null.
     *
     * @throws IllegalArgumentException for a blank or null request id, or a null run id
     */
    public static Draft request(String requestId, String runId, Long step) {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("a generation request needs a request id that is not blank");
        }
        if (runId == null) {
            throw new IllegalArgumentException("generation request " + requestId + " needs a run id");
        }
        return new Draft(requestId, new ModelSelector(runId, step));
    }

    /** The choices of one request; each left out keeps its default. */
    public static final class Draft {
        private final GenerationRequest.Builder builder;

        private Draft(String requestId, ModelSelector model) {
            builder = GenerationRequest.newBuilder()
                    .setRequestId(requestId)
                    .setModel(model)
                    .setNumImages(DEFAULT_NUM_IMAGES)
                    .setSteps(DEFAULT_STEPS)
                    .setSeed(null)
                    .setTMid(null)
                    .setOutputFormat(ImageFormat.PNG)
                    .setReplyTopic(null)
                    .setSampler(SamplerKind.ECT)
                    .setPurpose(TrafficPurpose.USER)
                    .setDeadlineMs(null);
        }

        public Draft numImages(int numImages) {
            builder.setNumImages(numImages);
            return this;
        }

        public Draft steps(int steps) {
            builder.setSteps(steps);
            return this;
        }

        public Draft seed(Long seed) {
            builder.setSeed(seed);
            return this;
        }

        public Draft tMid(Double tMid) {
            builder.setTMid(tMid);
            return this;
        }

        public Draft sampler(SamplerKind sampler) {
            builder.setSampler(sampler);
            return this;
        }

        public Draft purpose(TrafficPurpose purpose) {
            builder.setPurpose(purpose);
            return this;
        }

        public Draft format(ImageFormat format) {
            builder.setOutputFormat(format);
            return this;
        }

        public Draft replyTopic(String replyTopic) {
            builder.setReplyTopic(replyTopic);
            return this;
        }

        public Draft deadlineMs(Long deadlineMs) {
            builder.setDeadlineMs(deadlineMs);
            return this;
        }

        /**
         * @param createdAt when the sender made the request
         * @throws IllegalArgumentException when {@code createdAt} is null
         */
        public GenerationRequest build(Instant createdAt) {
            if (createdAt == null) {
                throw new IllegalArgumentException("generation request needs the time it was made");
            }
            return builder.setCreatedAt(createdAt).build();
        }
    }
}
