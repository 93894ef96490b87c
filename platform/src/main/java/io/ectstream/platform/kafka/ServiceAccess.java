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
 * @param groups         consumer groups, or the Kafka Streams application id; empty: it consumes nothing by group
 * @param streams        a Kafka Streams application with exactly-once: also owns the internal topics and
 *                       transactional ids prefixed with its application id
 * @param writePrefixes  topic-name prefixes it writes (reply topics named by the requester)
 * @param admin          creates the topics and sets their configs ({@code ectstream topics create})
 */
public record ServiceAccess(
        String service,
        List<TopicRole> reads,
        List<TopicRole> writes,
        List<String> groups,
        boolean streams,
        List<String> writePrefixes,
        boolean admin) {

    public ServiceAccess {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        groups = List.copyOf(groups);
        writePrefixes = List.copyOf(writePrefixes);
    }

    /** The sampler's reply topics ({@code serve --reply-topic-prefix}). */
    public static final String REPLY_TOPIC_PREFIX = "ect.results.";

    /** Every service (or client command) that talks to Kafka, in the order the manifests list them (docs/own-cluster.md, "ACLs per service"). */
    public static List<ServiceAccess> platform() {
        return List.of(
                new ServiceAccess("topics", List.of(), List.of(), List.of(), false, List.of(), true),
                new ServiceAccess(
                        "trainer",
                        List.of(TopicRole.CHECKPOINTS, TopicRole.PROGRESS),
                        List.of(TopicRole.CHECKPOINTS, TopicRole.PROGRESS),
                        List.of(),
                        false,
                        List.of(),
                        false),
                new ServiceAccess(
                        "sampler",
                        List.of(TopicRole.REQUESTS, TopicRole.EVALUATION_REQUESTS, TopicRole.CHECKPOINTS),
                        List.of(TopicRole.RESULTS, TopicRole.ERRORS, TopicRole.RESULTS_JSON),
                        List.of("ect-sampler", "ect-sampler-evaluation"),
                        false,
                        List.of(REPLY_TOPIC_PREFIX),
                        false),
                new ServiceAccess(
                        "evaluation-driver",
                        List.of(TopicRole.CHECKPOINTS, TopicRole.FID, TopicRole.ERRORS),
                        List.of(TopicRole.EVALUATION_REQUESTS, TopicRole.ERRORS),
                        List.of("ect-evaluation-driver"),
                        false,
                        List.of(),
                        false),
                new ServiceAccess(
                        "evaluator",
                        List.of(TopicRole.RESULTS, TopicRole.CHECKPOINTS),
                        List.of(TopicRole.FID, TopicRole.ERRORS),
                        List.of("ect-evaluator"),
                        true,
                        List.of(),
                        false),
                new ServiceAccess(
                        "reference-stats",
                        List.of(),
                        List.of(TopicRole.REFERENCE_STATS),
                        List.of(),
                        false,
                        List.of(),
                        false),
                new ServiceAccess(
                        "generate",
                        List.of(TopicRole.RESULTS, TopicRole.ERRORS, TopicRole.CHECKPOINTS),
                        List.of(TopicRole.REQUESTS),
                        List.of(),
                        false,
                        List.of(),
                        false));
    }
}
