package io.ectstream.sampler;

import io.ectstream.core.kafka.KafkaClientSettings;
import io.ectstream.core.kafka.TopicLayout;
import io.ectstream.sampler.http.HttpSecurity;
import io.ectstream.schemas.topics.TopicNames;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

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
 * @param evaluationRequestsTopic where the evaluation driver's requests come from, read in group {@code groupId-evaluation};
 *                         every request read from it is evaluation traffic, and every request of the user requests topic
 *                         is user traffic, whatever its purpose field says
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
    String evaluationRequestsTopic) {

    /** Default of {@link #maxInFlightEvaluationRequests}: a request record is small, its images are made later. */
    public static final int DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS = 1024;

    /** Default of {@link #userBatchesPerEvaluationBatch}: evaluation gets at least one batch in five under full user load. */
    public static final int DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH = 4;

    public static final String COMPONENT = "sampler-service";

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
        require(evaluationRequestsTopic != null && !evaluationRequestsTopic.isBlank(), "the evaluation requests topic is required");
        require(!evaluationRequestsTopic.equals(topics.generateRequests()),
            "the evaluation requests topic must not be the user requests topic " + topics.generateRequests());
    }

    /** The configuration before the evaluation requests topic was configurable: it reads the default one. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties,
                         String resultsJsonTopic, HttpSecurity httpSecurity, int userBatchesPerEvaluationBatch) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest, maxInFlightRequests,
            generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity,
            userBatchesPerEvaluationBatch, TopicLayout.DEFAULT_EVALUATION_REQUESTS_TOPIC);
    }

    /** The consumer group of the evaluation requests topic: the instances share it as they share the user group. */
    public String evaluationGroupId() {
        return groupId + "-evaluation";
    }

    /** Reads evaluation requests from {@code topic}. */
    public SamplerConfig withEvaluationRequestsTopic(String topic) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, topic);
    }

    /** A configuration with an unprotected HTTP API. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties,
                         String resultsJsonTopic) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest, maxInFlightRequests,
            generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, HttpSecurity.NONE,
            DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH);
    }

    /** A configuration without the JSON results topic. */
    public SamplerConfig(String bootstrapServers, TopicNames topics, Path storeRoot, String groupId, int maxBatchImages,
                         long maxWaitMs, int maxImagesPerRequest, int maxInFlightRequests, int generatorThreads,
                         String httpHost, int httpPort, int maxInFlightEvaluationRequests, Map<String, Object> kafkaClientProperties) {
        this(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs, maxImagesPerRequest,
            maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, null, HttpSecurity.NONE,
            DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH);
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

    /** Defaults for a local run: batches of 32, 5 ms wait, 256 images per request, HTTP on 127.0.0.1:8081. */
    public static SamplerConfig defaults(String bootstrapServers, Path storeRoot) {
        return new SamplerConfig(bootstrapServers, TopicNames.defaults(), storeRoot, "ect-sampler",
            32, 5, 256, 64, 1, "127.0.0.1", 8081);
    }

    public SamplerConfig withGroupId(String id) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, id, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    public SamplerConfig withBatching(int maxBatch, long waitMs) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatch, waitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    public SamplerConfig withHttpPort(int port) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, port, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    public SamplerConfig withMaxImagesPerRequest(int max) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            max, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    public SamplerConfig withMaxInFlightEvaluationRequests(int max) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, max, kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    /** Evaluation gets a batch after {@code userBatches} user batches in a row when both wait. */
    public SamplerConfig withUserBatchesPerEvaluationBatch(int userBatches) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, httpSecurity, userBatches, evaluationRequestsTopic);
    }

    /** Every Kafka client of the service starts from these settings, bootstrap servers included. */
    public SamplerConfig withKafkaClientSettings(KafkaClientSettings settings) {
        return new SamplerConfig(settings.bootstrapServers(), topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            settings.clientProperties(), resultsJsonTopic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    /** Also publish every result as JSON (images base64) on {@code topic}; null turns it off. */
    public SamplerConfig withResultsJsonTopic(String topic) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, topic, httpSecurity, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
    }

    /** The HTTP API with this bearer token and TLS. */
    public SamplerConfig withHttpSecurity(HttpSecurity security) {
        return new SamplerConfig(bootstrapServers, topics, storeRoot, groupId, maxBatchImages, maxWaitMs,
            maxImagesPerRequest, maxInFlightRequests, generatorThreads, httpHost, httpPort, maxInFlightEvaluationRequests,
            kafkaClientProperties, resultsJsonTopic, security, userBatchesPerEvaluationBatch, evaluationRequestsTopic);
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
