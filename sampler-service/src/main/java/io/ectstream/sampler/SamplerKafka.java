package io.ectstream.sampler;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.schemas.serde.RecordFormat;
import io.ectstream.schemas.topics.TopicNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the sampler meets Kafka.
 *
 * @param client           what every Kafka client of the service starts from (bootstrap servers, security, SASL, TLS,
 *                         tuning; see {@link KafkaClientSettings})
 * @param groupId          consumer group of the user requests topic, shared by the instances
 * @param topics           the platform topics it reads and writes
 * @param evaluationRequestsTopic where the evaluation driver's requests come from, read in {@link #evaluationGroupId()};
 *                         every request read from it is evaluation traffic, and every request of the user requests topic
 *                         is user traffic, whatever its purpose field says
 * @param resultsJsonTopic where every GenerationResult is also published as JSON (images base64); null: not at all
 * @param records          the deployment's wire format of record values (single-object unless --wire-format says)
 */
public record SamplerKafka(
        KafkaClientSettings client,
        String groupId,
        TopicNames topics,
        String evaluationRequestsTopic,
        String resultsJsonTopic,
        RecordFormat records) {

    public static final String DEFAULT_GROUP_ID = "ect-sampler";

    public SamplerKafka {
        SamplerConfig.require(client != null, "Kafka client settings are required");
        SamplerConfig.require(groupId != null && !groupId.isBlank(), "a consumer group id is required");
        SamplerConfig.require(topics != null, "topic names are required");
        SamplerConfig.require(
                evaluationRequestsTopic != null && !evaluationRequestsTopic.isBlank(),
                "the evaluation requests topic is required");
        SamplerConfig.require(
                !evaluationRequestsTopic.equals(topics.generateRequests()),
                "the evaluation requests topic must not be the user requests topic " + topics.generateRequests());
        SamplerConfig.require(
                resultsJsonTopic == null || !resultsJsonTopic.isBlank(), "the JSON results topic may not be blank");
        SamplerConfig.require(records != null, "a record format is required");
    }

    /** Single-object encoding, the default wire format. */
    public SamplerKafka(
            KafkaClientSettings client,
            String groupId,
            TopicNames topics,
            String evaluationRequestsTopic,
            String resultsJsonTopic) {
        this(client, groupId, topics, evaluationRequestsTopic, resultsJsonTopic, RecordFormat.SINGLE_OBJECT);
    }

    /** The default group and topics, no JSON results topic. */
    public static SamplerKafka defaults(KafkaClientSettings client) {
        return new SamplerKafka(
                client, DEFAULT_GROUP_ID, TopicNames.defaults(), TopicLayout.DEFAULT_EVALUATION_REQUESTS_TOPIC, null);
    }

    public SamplerKafka withClient(KafkaClientSettings settings) {
        return new SamplerKafka(settings, groupId, topics, evaluationRequestsTopic, resultsJsonTopic, records);
    }

    public SamplerKafka withGroupId(String id) {
        return new SamplerKafka(client, id, topics, evaluationRequestsTopic, resultsJsonTopic, records);
    }

    public SamplerKafka withTopics(TopicNames names) {
        return new SamplerKafka(client, groupId, names, evaluationRequestsTopic, resultsJsonTopic, records);
    }

    public SamplerKafka withEvaluationRequestsTopic(String topic) {
        return new SamplerKafka(client, groupId, topics, topic, resultsJsonTopic, records);
    }

    /** Also publish every result as JSON (images base64) on {@code topic}; null turns it off. */
    public SamplerKafka withResultsJsonTopic(String topic) {
        return new SamplerKafka(client, groupId, topics, evaluationRequestsTopic, topic, records);
    }

    /** Record values framed as {@code format} says. */
    public SamplerKafka withRecords(RecordFormat format) {
        return new SamplerKafka(client, groupId, topics, evaluationRequestsTopic, resultsJsonTopic, format);
    }

    public String bootstrapServers() {
        return client.bootstrapServers();
    }

    /** A fresh mutable copy of the client settings for one client to add its own settings to. */
    public Map<String, Object> clientProperties() {
        return client.clientProperties();
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
        Set<String> all = new TreeSet<>();
        for (TopicNames names : List.of(topics, TopicNames.defaults())) {
            all.addAll(List.of(
                    names.checkpoints(),
                    names.trainProgress(),
                    names.generateRequests(),
                    names.generateResults(),
                    names.generateErrors(),
                    names.evalFid()));
        }
        all.add(TopicLayout.DEFAULT_REFERENCE_STATS_TOPIC);
        all.add(TopicLayout.DEFAULT_RESULTS_JSON_TOPIC);
        all.add(TopicLayout.DEFAULT_EVALUATION_REQUESTS_TOPIC);
        all.add(evaluationRequestsTopic);
        if (resultsJsonTopic != null) {
            all.add(resultsJsonTopic);
        }
        return List.copyOf(all);
    }
}
