package io.ectstream.sampler;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.sampler.http.HttpSecurity;
import io.ectstream.sampler.validate.ReplyTopicPolicy;
import io.ectstream.sampler.validate.RequestCost;
import io.ectstream.schemas.topics.TopicNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the sampler service is told at its edge (CLI or test), built once and passed in.
 *
 * @param storeRoot        checkpoint store root; checkpoint URIs resolve against it and may not leave it
 * @param maxBatchImages   most images one forward pass carries; also the chunk size of large requests
 * @param maxWaitMs        longest a partly filled batch waits for company before it runs
 * @param maxImagesPerRequest upper bound on GenerationRequest.numImages
 * @param maxInFlightRequests requests accepted but not yet answered before the consumer pauses
 * @param generatorThreads worker threads running forward passes
 * @param httpPort         0 for a free port, negative to disable HTTP
 * @param maxInFlightEvaluationRequests evaluation requests accepted but not yet answered before the consumer
 *                         pauses; counted apart from user requests, so that a queued evaluation (which waits
 *                         behind user traffic) never keeps user requests from being read
 * @param kafkaClientProperties what every Kafka client of the service starts from (security, SASL, TLS, tuning;
 *                         see {@link KafkaClientSettings}); its bootstrap.servers is always {@code bootstrapServers}
 * @param resultsJsonTopic where every GenerationResult is also published as JSON (images base64); null: not at all
 * @param httpSecurity     bearer token and TLS of the HTTP API ({@link HttpSecurity#NONE}: neither)
 * @param userBatchesPerEvaluationBatch evaluation's guaranteed share of the generators: after this many user
 *                         batches in a row, a waiting evaluation batch runs next (see {@link
 *                         io.ectstream.sampler.batch.EvaluationShare}); user traffic keeps priority otherwise
 * @param replyTopicPrefix reply topics starting with it are allowed (besides the results topic); empty: none by prefix
 * @param replyTopics      reply topics allowed by name; platform and internal topics never are (see {@link ReplyTopicPolicy})
 * @param maxRequestCost   most network evaluations (images x evaluations per image, see {@link RequestCost}) one user
 *                         request may cost, Kafka and HTTP alike
 * @param maxHttpInFlightCost network evaluations of the HTTP requests accepted and not yet answered; past it HTTP answers 429
 * @param evaluationRequestsTopic where the evaluation driver's requests come from, read in group {@code groupId-evaluation};
 *                         every request read from it is evaluation traffic, and every request of the user requests topic
 *                         is user traffic, whatever its purpose field says
 * @param limits           deadlines, the bound on queued user work, and how many checkpoints per run stay loaded
 */
public record SamplerConfig(
    String bootstrapServers,
    TopicNames topics,
    Path storeRoot,
    String groupId,
    int maxBatchImages,
    long maxWaitMs,
    int maxImagesPerRequest,
    int maxInFlightRequests,
    int generatorThreads,
    String httpHost,
    int httpPort,
    int maxInFlightEvaluationRequests,
    Map<String, Object> kafkaClientProperties,
    String resultsJsonTopic,
    HttpSecurity httpSecurity,
    int userBatchesPerEvaluationBatch,
    String replyTopicPrefix,
    List<String> replyTopics,
    long maxRequestCost,
    long maxHttpInFlightCost,
    String evaluationRequestsTopic,
    ServingLimits limits) {

    /** Default of {@link #maxInFlightEvaluationRequests}: a request record is small, its images are made later. */
    public static final int DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS = 1024;

    /** Default of {@link #userBatchesPerEvaluationBatch}: evaluation gets at least one batch in five under full user load. */
    public static final int DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH = 4;

    public static final String COMPONENT = "sampler-service";

    /** The evaluation driver's requests topic (its own, so that users cannot forge evaluation traffic): never a reply topic. */
    public static final String EVALUATION_REQUESTS_TOPIC = TopicLayout.DEFAULT_EVALUATION_REQUESTS_TOPIC;

    public SamplerConfig {
        require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap servers are required");
        require(topics != null, "topic names are required");
        require(storeRoot != null, "the checkpoint store root is required");
        require(groupId != null && !groupId.isBlank(), "a consumer group id is required");
        require(maxBatchImages >= 1, "max batch must be >= 1, not " + maxBatchImages);
        require(maxWaitMs >= 0, "max wait must be >= 0 ms, not " + maxWaitMs);
        require(maxImagesPerRequest >= 1, "max images per request must be >= 1, not " + maxImagesPerRequest);
        require(maxInFlightRequests >= 1, "max in-flight requests must be >= 1, not " + maxInFlightRequests);
        require(generatorThreads >= 1, "generator threads must be >= 1, not " + generatorThreads);
        require(httpHost != null && !httpHost.isBlank(), "an HTTP host is required");
        require(maxInFlightEvaluationRequests >= 1, "max in-flight evaluation requests must be >= 1, not " + maxInFlightEvaluationRequests);
        storeRoot = storeRoot.toAbsolutePath().normalize();
        Map<String, Object> client = new TreeMap<>(kafkaClientProperties == null ? Map.of() : kafkaClientProperties);
        client.put(KafkaClientSettings.BOOTSTRAP_SERVERS, bootstrapServers);
        kafkaClientProperties = java.util.Collections.unmodifiableMap(client);
        require(resultsJsonTopic == null || !resultsJsonTopic.isBlank(), "the JSON results topic may not be blank");
        httpSecurity = httpSecurity == null ? HttpSecurity.NONE : httpSecurity;
        require(userBatchesPerEvaluationBatch >= 1, "user batches per evaluation batch must be >= 1, not "
            + userBatchesPerEvaluationBatch);
        replyTopicPrefix = replyTopicPrefix == null ? "" : replyTopicPrefix;
        replyTopics = List.copyOf(replyTopics == null ? List.of() : replyTopics);
        require(maxRequestCost >= 1, "max request cost must be >= 1, not " + maxRequestCost);
        require(maxHttpInFlightCost >= maxRequestCost, "max HTTP in-flight cost (" + maxHttpInFlightCost
            + ") must be at least the max request cost (" + maxRequestCost + "), or the largest request could never run");
        require(evaluationRequestsTopic != null && !evaluationRequestsTopic.isBlank(), "the evaluation requests topic is required");
        require(!evaluationRequestsTopic.equals(topics.generateRequests()),
            "the evaluation requests topic must not be the user requests topic " + topics.generateRequests());
        limits = limits == null ? ServingLimits.NONE : limits;
        require(limits.maxQueuedUserCost() >= maxRequestCost, "max queued user cost (" + limits.maxQueuedUserCost()
            + ") must be at least the max request cost (" + maxRequestCost + "), or the largest request could never run");
    }

    /** The configuration before deadlines and load shedding: {@link ServingLimits#NONE}. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties,
                         String resultsJsonTopic, HttpSecurity httpSecurity, int userBatchesPerEvaluationBatch,
                         String replyTopicPrefix, List<String> replyTopics, long maxRequestCost, long maxHttpInFlightCost,
                         String evaluationRequestsTopic) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest, maxInFlightRequests,
            generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity,
            userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost,
            evaluationRequestsTopic, ServingLimits.NONE);
    }

    /** The configuration before the evaluation requests topic was configurable: it reads the default one. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties,
                         String resultsJsonTopic, HttpSecurity httpSecurity, int userBatchesPerEvaluationBatch,
                         String replyTopicPrefix, List<String> replyTopics, long maxRequestCost, long maxHttpInFlightCost) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest, maxInFlightRequests,
            generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity,
            userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost,
            TopicLayout.DEFAULT_EVALUATION_REQUESTS_TOPIC);
    }

    /** The consumer group of the evaluation requests topic: the instances share it as they share the user group. */
    public String evaluationGroupId() {
        return groupId + "-evaluation";
    }

    /** Reads evaluation requests from {@code topic}. */
    public SamplerConfig withEvaluationRequestsTopic(String topic) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics,
            maxRequestCost, maxHttpInFlightCost, topic, limits);
    }

    /** A configuration with an unprotected HTTP API. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties,
                         String resultsJsonTopic) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest, maxInFlightRequests,
            generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, HttpSecurity.NONE,
            DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH, ReplyTopicPolicy.DEFAULT_PREFIX, List.of(),
            RequestCost.DEFAULT_MAX_REQUEST_COST, RequestCost.DEFAULT_MAX_HTTP_IN_FLIGHT_COST);
    }

    /** A configuration without the JSON results topic. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest,
            maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, null, HttpSecurity.NONE,
            DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH, ReplyTopicPolicy.DEFAULT_PREFIX, List.of(),
            RequestCost.DEFAULT_MAX_REQUEST_COST, RequestCost.DEFAULT_MAX_HTTP_IN_FLIGHT_COST);
    }

    /** A configuration whose Kafka clients get only the bootstrap servers. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest,
            maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, Map.of());
    }

    /** A configuration with the default {@link #DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS}. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest,
            maxInFlightRequests, generatorThreads, httpHost, httpPort, DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS);
    }

    /**
     * Defaults for a local run: batches of 32, 5 ms wait, 256 images per request, HTTP on 127.0.0.1:8081, and
     * {@code serve}'s deadline, queue bound and recent versions ({@link ServingLimits#DEFAULTS}).
     */
    public static SamplerConfig defaults(String bootstrapServers, Path storeRoot) {
        return new SamplerConfig(bootstrapServers, TopicNames.defaults(), storeRoot, "ect-sampler",
            32, 5, 256, 64, 1, "127.0.0.1", 8081).withLimits(ServingLimits.DEFAULTS);
    }

    /** Deadlines, the bound on queued user work and the checkpoints kept per run. */
    public SamplerConfig withLimits(ServingLimits newLimits) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics,
            maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, newLimits);
    }

    public SamplerConfig withGroupId(String id) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, id, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch,
            replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    public SamplerConfig withBatching(int maxBatch, long waitMs) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatch, waitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch,
            replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    public SamplerConfig withHttpPort(int port) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, port, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch,
            replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    public SamplerConfig withMaxImagesPerRequest(int max) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            max, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch,
            replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    public SamplerConfig withMaxInFlightEvaluationRequests(int max) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, max, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch,
            replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    /** Evaluation gets a batch after {@code userBatches} user batches in a row when both wait. */
    public SamplerConfig withUserBatchesPerEvaluationBatch(int userBatches) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatches, replyTopicPrefix, replyTopics, maxRequestCost,
            maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    /** Every Kafka client of the service starts from these settings, bootstrap servers included. */
    public SamplerConfig withKafkaClientSettings(KafkaClientSettings settings) {
        return new SamplerConfig(settings.bootstrapServers(), topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            settings.clientProperties(), resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch,
            replyTopicPrefix, replyTopics, maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    /** Also publish every result as JSON (images base64) on {@code topic}; null turns it off. */
    public SamplerConfig withResultsJsonTopic(String topic) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, topic, httpSecurity, userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics, maxRequestCost,
            maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    /** The HTTP API with this bearer token and TLS. */
    public SamplerConfig withHttpSecurity(HttpSecurity security) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, security, userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics,
            maxRequestCost, maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    /** Reply topics allowed besides the results topic: those starting with {@code prefix} ("" none) and those named. */
    public SamplerConfig withReplyTopics(String prefix, List<String> named) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, prefix, named, maxRequestCost,
            maxHttpInFlightCost, evaluationRequestsTopic, limits);
    }

    /** Admission in network evaluations: per user request, and for the HTTP requests in flight together. */
    public SamplerConfig withAdmission(long requestCost, long httpInFlightCost) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, replyTopicPrefix, replyTopics,
            requestCost, httpInFlightCost, evaluationRequestsTopic, limits);
    }

    /**
     * Every topic of the platform this sampler knows, by its configured and its default name: never a reply topic
     * (the results topic is allowed by {@link ReplyTopicPolicy} itself).
     */
    public List<String> platformTopics() {
        Set<String> all = new TreeSet<>();
        for (TopicNames names : List.of(topics, TopicNames.defaults())) {
            all.addAll(List.of(names.checkpoints(), names.trainProgress(), names.generateRequests(), names.generateResults(),
                names.generateErrors(), names.evalFid()));
        }
        all.add(TopicLayout.DEFAULT_REFERENCE_STATS_TOPIC);
        all.add(TopicLayout.DEFAULT_RESULTS_JSON_TOPIC);
        all.add(EVALUATION_REQUESTS_TOPIC);
        all.add(evaluationRequestsTopic);
        if (resultsJsonTopic != null) {
            all.add(resultsJsonTopic);
        }
        return List.copyOf(all);
    }

    /** Which reply topics requests may name. */
    public ReplyTopicPolicy replyTopicPolicy() {
        return new ReplyTopicPolicy(topics.generateResults(), replyTopicPrefix, replyTopics, platformTopics());
    }

    /** A fresh mutable copy of {@link #kafkaClientProperties()} for one client to add its own settings to. */
    public Map<String, Object> newClientProperties() {
        return new TreeMap<>(kafkaClientProperties);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
