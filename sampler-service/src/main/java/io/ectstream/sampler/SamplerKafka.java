package io.ectstream.sampler;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.serde.RecordFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the sampler meets Kafka.
 *
 * @param client           what every Kafka client of the service starts from (bootstrap servers, security, SASL, TLS,
 *                         tuning; see {@link KafkaClientSettings})
 * @param groupId          consumer group of the user requests topic, shared by the instances
 * @param topics           the topics it reads and writes: the roles {@link ServiceAccess#SAMPLER} declares. The
 *                         evaluation requests topic is read in {@link #evaluationGroupId()}; every request read from it
 *                         is evaluation traffic, and every request of the user requests topic is user traffic, whatever
 *                         its purpose field says. The results-json role, when held, is where every GenerationResult is
 *                         also published as JSON (images base64); not held: not at all
 * @param platform         every platform topic under the name this deployment gives it, the ones the sampler does not
 *                         use too: it never sends a reply to one ({@link #platformTopics()})
 * @param records          the deployment's wire format of record values (single-object unless --wire-format says)
 */
public record SamplerKafka(
        KafkaClientSettings client, String groupId, Topics topics, Topics platform, RecordFormat records) {

    public static final String DEFAULT_GROUP_ID = "ect-sampler";

    public SamplerKafka {
        SamplerConfig.require(client != null, "Kafka client settings are required");
        SamplerConfig.require(groupId != null && !groupId.isBlank(), "a consumer group id is required");
        SamplerConfig.require(topics != null, "topic names are required");
        ServiceAccess.SAMPLER.requireDeclared(topics);
        SamplerConfig.require(
                !topics.evaluationRequests().equals(topics.requests()),
                "the evaluation requests topic must not be the user requests topic " + topics.requests());
        SamplerConfig.require(platform != null, "the platform's topic names are required");
        SamplerConfig.require(records != null, "a record format is required");
    }

    /** The platform's topics known by the names of its own. */
    public SamplerKafka(KafkaClientSettings client, String groupId, Topics topics, RecordFormat records) {
        this(client, groupId, topics, topics, records);
    }

    /** Its topics out of {@code all}, with the JSON results topic when {@code all} holds one and {@code json} says so. */
    public static Topics topicsOf(Topics all, boolean json) {
        return ServiceAccess.SAMPLER.topics(all, json ? Set.of(TopicRole.RESULTS_JSON) : Set.of());
    }

    /** The default group and topics, no JSON results topic. */
    public static SamplerKafka defaults(KafkaClientSettings client) {
        return new SamplerKafka(
                client,
                DEFAULT_GROUP_ID,
                topicsOf(Topics.defaults(), false),
                Topics.defaults(),
                RecordFormat.SINGLE_OBJECT);
    }

    public SamplerKafka withClient(KafkaClientSettings settings) {
        return new SamplerKafka(settings, groupId, topics, platform, records);
    }

    public SamplerKafka withGroupId(String id) {
        return new SamplerKafka(client, id, topics, platform, records);
    }

    /** Its roles out of {@code names}, which become the platform's names; the JSON results topic stays as it was. */
    public SamplerKafka withTopics(Topics names) {
        Topics mine = topicsOf(names, false);
        return new SamplerKafka(
                client,
                groupId,
                topics.find(TopicRole.RESULTS_JSON)
                        .map(json -> mine.with(TopicRole.RESULTS_JSON, json))
                        .orElse(mine),
                names,
                records);
    }

    public SamplerKafka withEvaluationRequestsTopic(String topic) {
        return new SamplerKafka(client, groupId, topics.with(TopicRole.EVALUATION_REQUESTS, topic), platform, records);
    }

    /** Also publish every result as JSON (images base64) on {@code topic}; null turns it off. */
    public SamplerKafka withResultsJsonTopic(String topic) {
        return new SamplerKafka(
                client,
                groupId,
                topic == null ? topics.without(TopicRole.RESULTS_JSON) : topics.with(TopicRole.RESULTS_JSON, topic),
                platform,
                records);
    }

    /** Record values framed as {@code format} says. */
    public SamplerKafka withRecords(RecordFormat format) {
        return new SamplerKafka(client, groupId, topics, platform, format);
    }

    public String bootstrapServers() {
        return client.bootstrapServers();
    }

    public String evaluationRequestsTopic() {
        return topics.evaluationRequests();
    }

    /** Where every result is also published as JSON; null: nowhere. */
    public String resultsJsonTopic() {
        return topics.find(TopicRole.RESULTS_JSON).orElse(null);
    }

    /** The consumer group of the evaluation requests topic: the instances share it as they share the user group. */
    public String evaluationGroupId() {
        return groupId + "-evaluation";
    }

    /**
     * Every topic of the platform this sampler knows, by its configured and its default name: never a reply topic
     * (the results topic is allowed by {@link io.ectstream.sampler.validate.ReplyTopicPolicy} itself).
     */
    public List<String> platformTopics() {
        Set<String> all = new TreeSet<>(Topics.defaults().names().values());
        all.addAll(platform.names().values());
        all.addAll(topics.names().values());
        return List.copyOf(all);
    }
}
