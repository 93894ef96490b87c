package io.ectstream.sampler.validate;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Checks every field of a GenerationRequest before any work is done. The model selector is only
 * checked for shape here; whether its run is loaded is the registry's answer (UNKNOWN_MODEL). The reply topic
 * must be allowed by the {@link ReplyTopicPolicy} (REPLY_TOPIC_REJECTED; whether it exists is checked later, off
 * this synchronous path), and a user request may cost at most {@code maxRequestCost} network evaluations
 * (TOO_COSTLY). Evaluation requests are exempt from the cost cap: they are the platform's own traffic and are
 * served behind user batches.
 */
public final class RequestValidator {
    public static final int MAX_ID_LENGTH = 256;
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final int maxImagesPerRequest;
    private final long maxRequestCost;
    private final ReplyTopicPolicy replyTopics;

    public RequestValidator(int maxImagesPerRequest, long maxRequestCost, ReplyTopicPolicy replyTopics) {
        this.maxImagesPerRequest = maxImagesPerRequest;
        this.maxRequestCost = maxRequestCost;
        this.replyTopics = replyTopics;
    }

    public ValidRequest validate(GenerationRequest r) throws InvalidRequestException {
        String id = r.getRequestId();
        if (id == null || id.isBlank()) {
            throw new InvalidRequestException("requestId", "must not be blank");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidRequestException("requestId", "longer than " + MAX_ID_LENGTH + " characters");
        }
        if (r.getModel() == null
                || r.getModel().getRunId() == null
                || r.getModel().getRunId().isBlank()) {
            throw new InvalidRequestException("model.runId", "must name a training run");
        }
        if (r.getModel().getStep() != null && r.getModel().getStep() < 0) {
            throw new InvalidRequestException(
                    "model.step", "must be >= 0, not " + r.getModel().getStep());
        }
        if (r.getNumImages() < 1 || r.getNumImages() > maxImagesPerRequest) {
            throw new InvalidRequestException(
                    "numImages", "must be between 1 and " + maxImagesPerRequest + ", not " + r.getNumImages());
        }
        SamplerKind kind = r.getSampler() == null ? SamplerKind.ECT : r.getSampler();
        if (kind == SamplerKind.ECT && r.getSteps() != 1 && r.getSteps() != 2) {
            throw new InvalidRequestException("steps", "the ECT sampler takes 1 or 2 steps, not " + r.getSteps());
        }
        Double tMid = r.getTMid();
        if (tMid != null && !(tMid > 0 && tMid < SamplerSettings.SIGMA_MAX)) {
            throw new InvalidRequestException(
                    "tMid", "must lie in (0, " + SamplerSettings.SIGMA_MAX + "), not " + tMid);
        }
        if (r.getOutputFormat() == null) {
            throw new InvalidRequestException("outputFormat", "is required");
        }
        String replyTopic = r.getReplyTopic();
        if (replyTopic != null && !isLegalTopicName(replyTopic)) {
            throw new InvalidRequestException(
                    "replyTopic",
                    "'" + replyTopic + "' is not a legal Kafka topic name (1-249 of [a-zA-Z0-9._-], not . or ..)");
        }
        if (replyTopic != null) {
            String refusal = replyTopics.refusal(replyTopic).orElse(null);
            if (refusal != null) {
                throw new InvalidRequestException(ErrorCode.REPLY_TOPIC_REJECTED, "replyTopic", refusal);
            }
        }
        double t = tMid == null ? SamplerSettings.DEFAULT_T_MID : tMid;
        SamplerSettings settings = kind == SamplerKind.ECT
                ? SamplerSettings.ect(r.getSteps(), t)
                : new SamplerSettings(SamplerKind.EDM_HEUN, SamplerSettings.HEUN_STEPS, t);
        long cost = RequestCost.of(settings, r.getNumImages());
        if (r.getPurpose() != TrafficPurpose.EVALUATION && cost > maxRequestCost) {
            long most = maxRequestCost / settings.networkEvaluations();
            throw new InvalidRequestException(
                    ErrorCode.TOO_COSTLY,
                    "numImages",
                    r.getNumImages() + " images x "
                            + settings.networkEvaluations() + " network evaluations (" + kind + ") cost " + cost
                            + ", above this sampler's limit of " + maxRequestCost + " per request"
                            + (most >= 1 ? "; ask for at most " + most + " images with this sampler" : ""));
        }
        if (r.getDeadlineMs() != null && r.getDeadlineMs() < 1) {
            throw new InvalidRequestException(
                    "deadlineMs", "must be >= 1 ms (or null for the sampler's default), not " + r.getDeadlineMs());
        }
        long seed =
                r.getSeed() != null ? r.getSeed() : ThreadLocalRandom.current().nextLong();
        return new ValidRequest(r, settings, seed, replyTopic != null ? replyTopic : replyTopics.defaultTopic());
    }

    public static boolean isLegalTopicName(String name) {
        return TOPIC_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}
