package io.ectstream.platform.kafka;

import java.util.List;

/**
 * What one of the platform's services does on Kafka, for ACLs: the topic roles it reads and writes, the consumer
 * group (or Kafka Streams application id) it uses, and the topic-name prefixes it may write besides (the sampler's
 * reply topics). The defaults are the services' own default group ids and the reply prefix of {@code serve}.
 *
 * @param service        the deployment's name for the service (also the Kafka user's name suffix)
 * @param reads          roles it consumes (Read, Describe)
 * @param writes         roles it produces to (Write, Describe)
 * @param group          consumer group or Streams application id; null: it consumes nothing by group
 * @param streams        a Kafka Streams application with exactly-once: also owns the internal topics and
 *                       transactional ids prefixed with {@code group}
 * @param writePrefixes  topic-name prefixes it writes (reply topics named by the requester)
 * @param admin          creates the topics and sets their configs ({@code ectstream topics create})
 */
public record ServiceAccess(
        String service,
        List<TopicRole> reads,
        List<TopicRole> writes,
        String group,
        boolean streams,
        List<String> writePrefixes,
        boolean admin) {

    public ServiceAccess {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        writePrefixes = List.copyOf(writePrefixes);
    }

    /** The sampler's reply topics ({@code serve --reply-topic-prefix}). */
    public static final String REPLY_TOPIC_PREFIX = "ect.results.";

    /** Every service a deployment runs, in the order the manifests list them. */
    public static List<ServiceAccess> platform() {
        return List.of(
                new ServiceAccess("topics", List.of(), List.of(), null, false, List.of(), true),
                new ServiceAccess(
                        "trainer",
                        List.of(),
                        List.of(TopicRole.CHECKPOINTS, TopicRole.PROGRESS),
                        null,
                        false,
                        List.of(),
                        false),
                new ServiceAccess(
                        "sampler",
                        List.of(TopicRole.REQUESTS, TopicRole.EVALUATION_REQUESTS, TopicRole.CHECKPOINTS),
                        List.of(TopicRole.RESULTS, TopicRole.ERRORS, TopicRole.RESULTS_JSON),
                        "ect-sampler",
                        false,
                        List.of(REPLY_TOPIC_PREFIX),
                        false),
                new ServiceAccess(
                        "evaluation-driver",
                        List.of(TopicRole.CHECKPOINTS, TopicRole.FID),
                        List.of(TopicRole.EVALUATION_REQUESTS),
                        "ect-evaluation-driver",
                        false,
                        List.of(),
                        false),
                new ServiceAccess(
                        "evaluator",
                        List.of(TopicRole.RESULTS, TopicRole.REFERENCE_STATS),
                        List.of(TopicRole.FID, TopicRole.REFERENCE_STATS),
                        "ect-evaluator",
                        true,
                        List.of(),
                        false),
                new ServiceAccess(
                        "client",
                        List.of(TopicRole.RESULTS, TopicRole.ERRORS, TopicRole.FID),
                        List.of(TopicRole.REQUESTS),
                        null,
                        false,
                        List.of(),
                        false));
    }
}
