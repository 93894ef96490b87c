package io.ectstream.platform.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one of the platform's services does on Kafka: the topic roles it reads and writes, the consumer group (or
 * Kafka Streams application id) it uses, and the topic-name prefixes it may write besides (the sampler's reply
 * topics). Each service's declaration below is the one list of its topics: the topics it holds ({@link #topics}),
 * its check at start ({@link KafkaTopics#check}), its drift report, its ACLs (Strimzi {@code KafkaUser}s) and the
 * tables of docs/own-cluster.md all come from it. The defaults are the services' own default group ids and the
 * reply prefix of {@code serve}.
 *
 * @param service        the deployment's name for the service (also the Kafka user's name suffix)
 * @param reads          roles it consumes (Read, Describe)
 * @param writes         roles it produces to (Write, Describe)
 * @param optional       roles among reads and writes it uses only when configured to (the sampler's JSON results,
 *                       the evaluator's checkpoints); the others it always uses
 * @param groups         consumer groups, or the Kafka Streams application id; empty: it consumes nothing by group
 * @param streams        a Kafka Streams application with exactly-once: also owns the internal topics and
 *                       transactional ids prefixed with its application id
 * @param writePrefixes  topic-name prefixes it writes (reply topics named by the requester)
 * @param admin          creates the topics and sets their configs ({@code ectstream topics create})
 * @param jsonCopies     roles among reads whose JSON copy ({@link Topics#jsonCopyOf}) it writes, creating the copy
 *                       when it is missing (the JSON mirror): derived topics, named by their source
 * @param groupPrefixes  consumer-group prefixes it uses (a fresh group per start, such as the dashboard's)
 */
public record ServiceAccess(
        String service,
        List<TopicRole> reads,
        List<TopicRole> writes,
        List<TopicRole> optional,
        List<String> groups,
        boolean streams,
        List<String> writePrefixes,
        boolean admin,
        List<TopicRole> jsonCopies,
        List<String> groupPrefixes) {

    public ServiceAccess {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        optional = List.copyOf(optional);
        groups = List.copyOf(groups);
        writePrefixes = List.copyOf(writePrefixes);
        jsonCopies = List.copyOf(jsonCopies);
        groupPrefixes = List.copyOf(groupPrefixes);
        for (TopicRole r : jsonCopies) {
            if (!reads.contains(r)) {
                throw new IllegalArgumentException(service + ": copies " + r.key() + ", which it does not read");
            }
        }
        for (TopicRole r : optional) {
            if (!reads.contains(r) && !writes.contains(r)) {
                throw new IllegalArgumentException(
                        service + ": optional role " + r.key() + " is neither read nor written");
            }
        }
    }

    /** A service without derived topics or group prefixes. */
    public ServiceAccess(
            String service,
            List<TopicRole> reads,
            List<TopicRole> writes,
            List<TopicRole> optional,
            List<String> groups,
            boolean streams,
            List<String> writePrefixes,
            boolean admin) {
        this(service, reads, writes, optional, groups, streams, writePrefixes, admin, List.of(), List.of());
    }

    /** The sampler's reply topics ({@code serve --reply-topic-prefix}). */
    public static final String REPLY_TOPIC_PREFIX = "ect.results.";

    /** {@code ectstream topics create|describe|manifest}: every topic, as admin. */
    public static final ServiceAccess TOPICS =
            new ServiceAccess("topics", List.of(), List.of(), List.of(), List.of(), false, List.of(), true);

    /** {@code pipeline}, {@code train}, {@code republish}: announces checkpoints, reports progress. */
    public static final ServiceAccess TRAINER = new ServiceAccess(
            "trainer",
            List.of(TopicRole.CHECKPOINTS, TopicRole.PROGRESS),
            List.of(TopicRole.CHECKPOINTS, TopicRole.PROGRESS),
            List.of(),
            List.of(),
            false,
            List.of(),
            false);

    /** {@code serve}. */
    public static final ServiceAccess SAMPLER = new ServiceAccess(
            "sampler",
            List.of(TopicRole.REQUESTS, TopicRole.EVALUATION_REQUESTS, TopicRole.CHECKPOINTS),
            List.of(TopicRole.RESULTS, TopicRole.ERRORS, TopicRole.RESULTS_JSON),
            List.of(TopicRole.RESULTS_JSON),
            List.of("ect-sampler", "ect-sampler-evaluation"),
            false,
            List.of(REPLY_TOPIC_PREFIX),
            false);

    /** {@code evaluation-driver}: reads FID reports with {@code --backfill}. */
    public static final ServiceAccess EVALUATION_DRIVER = new ServiceAccess(
            "evaluation-driver",
            List.of(TopicRole.CHECKPOINTS, TopicRole.FID, TopicRole.ERRORS),
            List.of(TopicRole.EVALUATION_REQUESTS, TopicRole.ERRORS),
            List.of(TopicRole.FID),
            List.of("ect-evaluation-driver"),
            false,
            List.of(),
            false);

    /** {@code evaluate}, the Kafka Streams application; {@code --checkpoints-topic none} reads no checkpoints. */
    public static final ServiceAccess EVALUATOR = new ServiceAccess(
            "evaluator",
            List.of(TopicRole.RESULTS, TopicRole.CHECKPOINTS),
            List.of(TopicRole.FID, TopicRole.ERRORS),
            List.of(TopicRole.CHECKPOINTS),
            List.of("ect-evaluator"),
            true,
            List.of(),
            false);

    /** {@code reference-stats --publish}. */
    public static final ServiceAccess REFERENCE_STATS = new ServiceAccess(
            "reference-stats",
            List.of(),
            List.of(TopicRole.REFERENCE_STATS),
            List.of(),
            List.of(),
            false,
            List.of(),
            false);

    /** {@code generate}, the command-line client: sends requests, reads their results. */
    public static final ServiceAccess GENERATE = new ServiceAccess(
            "generate",
            List.of(TopicRole.RESULTS, TopicRole.ERRORS, TopicRole.CHECKPOINTS),
            List.of(TopicRole.REQUESTS),
            List.of(),
            List.of(),
            false,
            List.of(),
            false);

    /** {@code fid-history}: reads the FID reports and the errors of checkpoints that could not be evaluated. */
    public static final ServiceAccess FID_HISTORY = new ServiceAccess(
            "fid-history",
            List.of(TopicRole.FID, TopicRole.ERRORS),
            List.of(),
            List.of(),
            List.of(),
            false,
            List.of(),
            false);

    /** The roles of Avro records the JSON mirror copies; with {@code --only} it copies some of them. */
    private static final List<TopicRole> MIRRORED = List.of(
            TopicRole.CHECKPOINTS,
            TopicRole.PROGRESS,
            TopicRole.REQUESTS,
            TopicRole.EVALUATION_REQUESTS,
            TopicRole.RESULTS,
            TopicRole.ERRORS,
            TopicRole.FID);

    /**
     * {@code mirror-json}, a Kafka Streams application: copies each topic of Avro records to its JSON copy, and
     * writes an error record for a record it cannot copy (so it always uses the errors topic).
     */
    public static final ServiceAccess JSON_MIRROR = new ServiceAccess(
            "json-mirror",
            MIRRORED,
            List.of(TopicRole.ERRORS),
            MIRRORED.stream().filter(r -> r != TopicRole.ERRORS).toList(),
            List.of("ect-json-mirror"),
            true,
            List.of(),
            false,
            MIRRORED,
            List.of());

    /** The {@code demo}'s dashboard: reads from the beginning in a fresh group each start, commits nothing. */
    public static final ServiceAccess DASHBOARD = new ServiceAccess(
            "dashboard",
            List.of(TopicRole.PROGRESS, TopicRole.CHECKPOINTS, TopicRole.FID, TopicRole.RESULTS, TopicRole.ERRORS),
            List.of(),
            List.of(),
            List.of(),
            false,
            List.of(),
            false,
            List.of(),
            List.of("ectstream-dashboard-"));

    /** Every service (or client command) that talks to Kafka, in the order the manifests list them (docs/own-cluster.md, "ACLs per service"). */
    public static List<ServiceAccess> platform() {
        return List.of(
                TOPICS,
                TRAINER,
                SAMPLER,
                EVALUATION_DRIVER,
                EVALUATOR,
                REFERENCE_STATS,
                GENERATE,
                FID_HISTORY,
                JSON_MIRROR,
                DASHBOARD);
    }

    /** Every role it reads or writes, in role order. */
    public Set<TopicRole> roles() {
        Set<TopicRole> all = EnumSet.noneOf(TopicRole.class);
        all.addAll(reads);
        all.addAll(writes);
        return Collections.unmodifiableSet(all);
    }

    /** The roles it always uses: its roles but the optional ones. */
    public Set<TopicRole> required() {
        Set<TopicRole> all = EnumSet.noneOf(TopicRole.class);
        all.addAll(roles());
        optional.forEach(all::remove);
        return Collections.unmodifiableSet(all);
    }

    /**
     * The service's own topics out of {@code all}: its required roles, and the optional ones {@code all} holds when
     * {@code withOptional} says so. What it does not declare it does not hold, so using a role it does not declare
     * fails at once ({@link Topics#name}).
     */
    public Topics topics(Topics all, Set<TopicRole> withOptional) {
        List<TopicRole> held = new ArrayList<>(required());
        withOptional.stream().filter(optional::contains).filter(all::has).forEach(held::add);
        return all.only(held);
    }

    /** Only its required roles out of {@code all}. */
    public Topics topics(Topics all) {
        return topics(all, Set.of());
    }

    /**
     * Fails when {@code used} lacks a required role or holds a role this service does not declare: the topics a
     * service runs with and its declaration cannot part.
     */
    public void requireDeclared(Topics used) {
        List<String> problems = new ArrayList<>();
        for (TopicRole r : used.roles()) {
            if (!roles().contains(r)) {
                problems.add("uses " + r.key() + " (" + used.name(r) + "), which it does not declare");
            }
        }
        for (TopicRole r : required()) {
            if (!used.has(r)) {
                problems.add("declares " + r.key() + " but has no topic for it");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(service + ": " + String.join("; ", problems));
        }
    }
}
