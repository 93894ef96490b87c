package io.ectstream.sampler;

import java.util.List;

/**
 * What the sampler accepts, and how much it takes in at once.
 *
 * @param maxImagesPerRequest upper bound on GenerationRequest.numImages
 * @param maxInFlightRequests user requests accepted but not yet answered before the consumer pauses
 * @param maxInFlightEvaluationRequests evaluation requests accepted but not yet answered before the consumer
 *                         pauses; counted apart from user requests, so that a queued evaluation (which waits
 *                         behind user traffic) never keeps user requests from being read
 * @param maxRequestCost   most network evaluations (images x evaluations per image, see
 *                         {@link io.ectstream.sampler.validate.RequestCost}) one user request may cost, Kafka and HTTP alike
 * @param maxHttpInFlightCost network evaluations of the HTTP requests accepted and not yet answered; past it HTTP answers 429
 * @param replyTopicPrefix reply topics starting with it are allowed (besides the results topic); empty: none by prefix
 * @param replyTopics      reply topics allowed by name; platform and internal topics never are
 *                         (see {@link io.ectstream.sampler.validate.ReplyTopicPolicy})
 */
public record Admission(
        int maxImagesPerRequest,
        int maxInFlightRequests,
        int maxInFlightEvaluationRequests,
        long maxRequestCost,
        long maxHttpInFlightCost,
        String replyTopicPrefix,
        List<String> replyTopics) {

    public static final int DEFAULT_MAX_IMAGES_PER_REQUEST = 256;
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 64;
    /** A request record is small, its images are made later. */
    public static final int DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS = 1024;
    /** The largest request the default limits allow at 2 steps (256 images x 2), or 14 Heun images. */
    public static final long DEFAULT_MAX_REQUEST_COST = 512;
    /** Four requests at the default cap. */
    public static final long DEFAULT_MAX_HTTP_IN_FLIGHT_COST = 4 * DEFAULT_MAX_REQUEST_COST;

    public static final String DEFAULT_REPLY_TOPIC_PREFIX = "ect.results.";

    public Admission {
        SamplerConfig.require(
                maxImagesPerRequest >= 1, "max images per request must be >= 1, not " + maxImagesPerRequest);
        SamplerConfig.require(
                maxInFlightRequests >= 1, "max in-flight requests must be >= 1, not " + maxInFlightRequests);
        SamplerConfig.require(
                maxInFlightEvaluationRequests >= 1,
                "max in-flight evaluation requests must be >= 1, not " + maxInFlightEvaluationRequests);
        SamplerConfig.require(maxRequestCost >= 1, "max request cost must be >= 1, not " + maxRequestCost);
        SamplerConfig.require(
                maxHttpInFlightCost >= maxRequestCost,
                "max HTTP in-flight cost (" + maxHttpInFlightCost + ") must be at least the max request cost ("
                        + maxRequestCost + "), or the largest request could never run");
        replyTopicPrefix = replyTopicPrefix == null ? "" : replyTopicPrefix;
        replyTopics = List.copyOf(replyTopics == null ? List.of() : replyTopics);
    }

    public static Admission defaults() {
        return new Admission(
                DEFAULT_MAX_IMAGES_PER_REQUEST,
                DEFAULT_MAX_IN_FLIGHT_REQUESTS,
                DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS,
                DEFAULT_MAX_REQUEST_COST,
                DEFAULT_MAX_HTTP_IN_FLIGHT_COST,
                DEFAULT_REPLY_TOPIC_PREFIX,
                List.of());
    }

    public Admission withMaxImagesPerRequest(int max) {
        return new Admission(
                max,
                maxInFlightRequests,
                maxInFlightEvaluationRequests,
                maxRequestCost,
                maxHttpInFlightCost,
                replyTopicPrefix,
                replyTopics);
    }

    public Admission withMaxInFlightEvaluationRequests(int max) {
        return new Admission(
                maxImagesPerRequest,
                maxInFlightRequests,
                max,
                maxRequestCost,
                maxHttpInFlightCost,
                replyTopicPrefix,
                replyTopics);
    }

    /** Admission in network evaluations: per user request, and for the HTTP requests in flight together. */
    public Admission withCosts(long requestCost, long httpInFlightCost) {
        return new Admission(
                maxImagesPerRequest,
                maxInFlightRequests,
                maxInFlightEvaluationRequests,
                requestCost,
                httpInFlightCost,
                replyTopicPrefix,
                replyTopics);
    }

    /** Reply topics allowed besides the results topic: those starting with {@code prefix} ("" none) and those named. */
    public Admission withReplyTopics(String prefix, List<String> named) {
        return new Admission(
                maxImagesPerRequest,
                maxInFlightRequests,
                maxInFlightEvaluationRequests,
                maxRequestCost,
                maxHttpInFlightCost,
                prefix,
                named);
    }
}
