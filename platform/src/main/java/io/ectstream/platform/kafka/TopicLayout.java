package io.ectstream.platform.kafka;

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
        return defaults(Topics.defaults());
    }

    /** The definition of every role {@code names} holds, under the name it gives. */
    public static TopicLayout defaults(Topics names) {
        Map<TopicRole, TopicSpec> t = new EnumMap<>(TopicRole.class);
        names.roles().forEach(role -> t.put(role, definition(role, names.name(role))));
        return new TopicLayout(t);
    }

    private static TopicSpec definition(TopicRole role, String name) {
        return switch (role) {
            case CHECKPOINTS, FID -> spec(role, name, 1, "delete", -1);
            case PROGRESS, ERRORS -> spec(role, name, 1, "delete", 7 * DAY_MS);
            case REQUESTS, EVALUATION_REQUESTS -> spec(role, name, 3, "delete", DAY_MS);
            case RESULTS, RESULTS_JSON ->
                spec(role, name, 3, "delete", DAY_MS)
                        .withConfig("max.message.bytes", Integer.toString(RESULTS_MAX_MESSAGE_BYTES));
            case REFERENCE_STATS ->
                new TopicSpec(
                        role,
                        name,
                        1,
                        (short) -1,
                        Map.of(
                                "cleanup.policy",
                                "compact",
                                "max.message.bytes",
                                Integer.toString(REFERENCE_STATS_MAX_MESSAGE_BYTES)));
        };
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

    /** The name of each role of this layout. */
    public Topics names() {
        Map<TopicRole, String> names = new EnumMap<>(TopicRole.class);
        topics.forEach((role, spec) -> names.put(role, spec.name()));
        return new Topics(names);
    }

    /** In role order. */
    public List<TopicSpec> specs() {
        Map<TopicRole, TopicSpec> ordered = new EnumMap<>(TopicRole.class);
        ordered.putAll(topics);
        return List.copyOf(ordered.values());
    }
}
