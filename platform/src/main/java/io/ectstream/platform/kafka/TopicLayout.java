package io.ectstream.platform.kafka;

import io.ectstream.schemas.topics.TopicNames;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every topic of the platform with its partitions, replication factor and retention or compaction.
 * Defaults: checkpoints and FID reports kept forever (the sampler and the evaluation driver replay them),
 * requests (user and evaluation) and results (images) for a day, progress and errors for a week, reference statistics compacted.
 * Replication factor -1 everywhere: the cluster's default.replication.factor decides unless told otherwise.
 */
public record TopicLayout(Map<TopicRole, TopicSpec> topics) {

    public static final String DEFAULT_REFERENCE_STATS_TOPIC = "ect.eval.reference-stats";
    public static final String DEFAULT_RESULTS_JSON_TOPIC = "ect.generate.results.json";
    /** Written only by the evaluation driver: what the sampler reads there is evaluation traffic. */
    public static final String DEFAULT_EVALUATION_REQUESTS_TOPIC = "ect.eval.requests";

    public static final long DAY_MS = 24L * 3600 * 1000;
    /** Largest record: the sampler's producer sends results up to 32 MiB, the evaluator's moments up to 64 MiB. */
    public static final int RESULTS_MAX_MESSAGE_BYTES = 32 << 20;

    public static final int REFERENCE_STATS_MAX_MESSAGE_BYTES = 64 << 20;

    public TopicLayout {
        Objects.requireNonNull(topics, "topics");
        topics.forEach((role, spec) -> {
            if (spec.role() != role) {
                throw new InvalidKafkaSettingsException(
                        "topic " + spec.name() + " is filed under " + role + " but is " + spec.role());
            }
        });
        topics = Map.copyOf(topics);
    }

    public static TopicLayout defaults() {
        return defaults(TopicNames.defaults());
    }

    public static TopicLayout defaults(TopicNames names) {
        Map<TopicRole, TopicSpec> t = new EnumMap<>(TopicRole.class);
        t.put(TopicRole.CHECKPOINTS, spec(TopicRole.CHECKPOINTS, names.checkpoints(), 1, "delete", -1));
        t.put(TopicRole.PROGRESS, spec(TopicRole.PROGRESS, names.trainProgress(), 1, "delete", 7 * DAY_MS));
        t.put(TopicRole.REQUESTS, spec(TopicRole.REQUESTS, names.generateRequests(), 3, "delete", DAY_MS));
        t.put(
                TopicRole.EVALUATION_REQUESTS,
                spec(TopicRole.EVALUATION_REQUESTS, DEFAULT_EVALUATION_REQUESTS_TOPIC, 3, "delete", DAY_MS));
        t.put(
                TopicRole.RESULTS,
                spec(TopicRole.RESULTS, names.generateResults(), 3, "delete", DAY_MS)
                        .withConfig("max.message.bytes", Integer.toString(RESULTS_MAX_MESSAGE_BYTES)));
        t.put(TopicRole.ERRORS, spec(TopicRole.ERRORS, names.generateErrors(), 1, "delete", 7 * DAY_MS));
        t.put(TopicRole.FID, spec(TopicRole.FID, names.evalFid(), 1, "delete", -1));
        t.put(
                TopicRole.REFERENCE_STATS,
                new TopicSpec(
                        TopicRole.REFERENCE_STATS,
                        DEFAULT_REFERENCE_STATS_TOPIC,
                        1,
                        (short) -1,
                        Map.of(
                                "cleanup.policy",
                                "compact",
                                "max.message.bytes",
                                Integer.toString(REFERENCE_STATS_MAX_MESSAGE_BYTES))));
        t.put(
                TopicRole.RESULTS_JSON,
                spec(TopicRole.RESULTS_JSON, DEFAULT_RESULTS_JSON_TOPIC, 3, "delete", DAY_MS)
                        .withConfig("max.message.bytes", Integer.toString(RESULTS_MAX_MESSAGE_BYTES)));
        return new TopicLayout(t);
    }

    private static TopicSpec spec(TopicRole role, String name, int partitions, String cleanup, long retentionMs) {
        return new TopicSpec(
                role,
                name,
                partitions,
                (short) -1,
                Map.of("cleanup.policy", cleanup, "retention.ms", Long.toString(retentionMs)));
    }

    public TopicSpec get(TopicRole role) {
        TopicSpec spec = topics.get(role);
        if (spec == null) {
            throw new InvalidKafkaSettingsException("no topic configured for " + role.key());
        }
        return spec;
    }

    public TopicLayout with(TopicSpec spec) {
        Map<TopicRole, TopicSpec> copy = new EnumMap<>(TopicRole.class);
        copy.putAll(topics);
        copy.put(spec.role(), spec);
        return new TopicLayout(copy);
    }

    /** Only the given roles (what one service needs). */
    public TopicLayout only(Collection<TopicRole> roles) {
        Map<TopicRole, TopicSpec> copy = new EnumMap<>(TopicRole.class);
        roles.forEach(r -> copy.put(r, get(r)));
        return new TopicLayout(copy);
    }

    /** In role order. */
    public List<TopicSpec> specs() {
        Map<TopicRole, TopicSpec> ordered = new EnumMap<>(TopicRole.class);
        ordered.putAll(topics);
        return List.copyOf(ordered.values());
    }
}
