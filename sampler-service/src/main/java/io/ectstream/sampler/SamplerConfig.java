package io.ectstream.sampler;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.sampler.validate.ReplyTopicPolicy;
import java.nio.file.Path;

/**
 * Everything the sampler service is told at its edge (CLI or test), built once and passed in; each part validates
 * itself and holds its own defaults.
 *
 * @param kafka     client settings, consumer group and topics
 * @param storeRoot checkpoint store root; checkpoint URIs resolve against it and may not leave it
 * @param batching  how requests become forward passes
 * @param admission what is accepted, and how much at once
 * @param http      the HTTP API
 * @param limits    deadlines, the bound on queued user work, and how many checkpoints per run stay loaded
 */
public record SamplerConfig(
        SamplerKafka kafka,
        Path storeRoot,
        Batching batching,
        Admission admission,
        HttpEndpoint http,
        ServingLimits limits) {

    public static final String COMPONENT = "sampler-service";

    public SamplerConfig {
        require(
                kafka != null && batching != null && admission != null && http != null,
                "Kafka, batching, admission and HTTP settings are required");
        require(storeRoot != null, "the checkpoint store root is required");
        storeRoot = storeRoot.toAbsolutePath().normalize();
        limits = limits == null ? ServingLimits.NONE : limits;
        require(
                limits.maxQueuedUserCost() >= admission.maxRequestCost(),
                "max queued user cost ("
                        + limits.maxQueuedUserCost() + ") must be at least the max request cost ("
                        + admission.maxRequestCost()
                        + "), or the largest request could never run");
    }

    /**
     * What {@code serve} runs with unless told otherwise: batches of 32, 5 ms wait, 256 images per request, HTTP on
     * 127.0.0.1:8081, and {@code serve}'s deadline, queue bound and recent versions ({@link ServingLimits#DEFAULTS}).
     */
    public static SamplerConfig defaults(KafkaClientSettings client, Path storeRoot) {
        return new SamplerConfig(
                SamplerKafka.defaults(client),
                storeRoot,
                Batching.defaults(),
                Admission.defaults(),
                HttpEndpoint.defaults(),
                ServingLimits.DEFAULTS);
    }

    public static SamplerConfig defaults(String bootstrapServers, Path storeRoot) {
        return defaults(KafkaClientSettings.of(bootstrapServers), storeRoot);
    }

    public SamplerConfig withKafka(SamplerKafka newKafka) {
        return new SamplerConfig(newKafka, storeRoot, batching, admission, http, limits);
    }

    public SamplerConfig withBatching(Batching newBatching) {
        return new SamplerConfig(kafka, storeRoot, newBatching, admission, http, limits);
    }

    public SamplerConfig withAdmission(Admission newAdmission) {
        return new SamplerConfig(kafka, storeRoot, batching, newAdmission, http, limits);
    }

    public SamplerConfig withHttp(HttpEndpoint newHttp) {
        return new SamplerConfig(kafka, storeRoot, batching, admission, newHttp, limits);
    }

    /** Deadlines, the bound on queued user work and the checkpoints kept per run. */
    public SamplerConfig withLimits(ServingLimits newLimits) {
        return new SamplerConfig(kafka, storeRoot, batching, admission, http, newLimits);
    }

    /** Which reply topics requests may name. */
    public ReplyTopicPolicy replyTopicPolicy() {
        return new ReplyTopicPolicy(
                kafka.topics().results(),
                admission.replyTopicPrefix(),
                admission.replyTopics(),
                kafka.platformTopics());
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
