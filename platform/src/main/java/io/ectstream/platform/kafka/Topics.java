package io.ectstream.platform.kafka;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The name of each topic by its role: the platform's one map from role to name, and the one place the default names
 * are defined. A service holds the roles it uses ({@link ServiceAccess}); asking for a role it does not hold is an
 * error, never a silent default. The {@code DEFAULT_*} names are constants so picocli options can name them.
 */
public record Topics(Map<TopicRole, String> names) {
    public static final String DEFAULT_CHECKPOINTS = "ect.checkpoints";
    public static final String DEFAULT_PROGRESS = "ect.train.progress";
    public static final String DEFAULT_REQUESTS = "ect.generate.requests";
    /** Written only by the evaluation driver: what the sampler reads there is evaluation traffic. */
    public static final String DEFAULT_EVALUATION_REQUESTS = "ect.eval.requests";

    public static final String DEFAULT_RESULTS = "ect.generate.results";
    public static final String DEFAULT_ERRORS = "ect.generate.errors";
    public static final String DEFAULT_FID = "ect.eval.fid";
    public static final String DEFAULT_REFERENCE_STATS = "ect.eval.reference-stats";
    public static final String DEFAULT_RESULTS_JSON = "ect.generate.results.json";

    /** What a topic's JSON copy adds to its name (the JSON mirror's derived topics). */
    public static final String JSON_COPY_SUFFIX = ".json";

    private static final Map<TopicRole, String> DEFAULTS = Map.of(
            TopicRole.CHECKPOINTS, DEFAULT_CHECKPOINTS,
            TopicRole.PROGRESS, DEFAULT_PROGRESS,
            TopicRole.REQUESTS, DEFAULT_REQUESTS,
            TopicRole.EVALUATION_REQUESTS, DEFAULT_EVALUATION_REQUESTS,
            TopicRole.RESULTS, DEFAULT_RESULTS,
            TopicRole.ERRORS, DEFAULT_ERRORS,
            TopicRole.FID, DEFAULT_FID,
            TopicRole.REFERENCE_STATS, DEFAULT_REFERENCE_STATS,
            TopicRole.RESULTS_JSON, DEFAULT_RESULTS_JSON);

    public Topics {
        Objects.requireNonNull(names, "names");
        Map<TopicRole, String> copy = new EnumMap<>(TopicRole.class);
        names.forEach((role, name) -> {
            if (role == null || name == null || name.isBlank()) {
                throw new InvalidKafkaSettingsException("a topic needs a role and a name, not " + role + "=" + name);
            }
            copy.put(role, name.trim());
        });
        names = java.util.Collections.unmodifiableMap(copy);
    }

    /** Every role under its default name. */
    public static Topics defaults() {
        return new Topics(DEFAULTS);
    }

    /** The name of {@code topic}'s JSON copy: {@code <topic>.json}. */
    public static String jsonCopyOf(String topic) {
        return topic + JSON_COPY_SUFFIX;
    }

    /** The name of {@code role}; an error naming the role when these topics do not hold it. */
    public String name(TopicRole role) {
        String name = names.get(role);
        if (name == null) {
            throw new InvalidKafkaSettingsException(
                    "no topic for role " + role.key() + " (these topics hold " + roles() + ")");
        }
        return name;
    }

    public Optional<String> find(TopicRole role) {
        return Optional.ofNullable(names.get(role));
    }

    public boolean has(TopicRole role) {
        return names.containsKey(role);
    }

    /** In role order. */
    public Set<TopicRole> roles() {
        return names.keySet();
    }

    /** These topics with {@code role} named {@code name}; a null name leaves them as they are. */
    public Topics with(TopicRole role, String name) {
        if (name == null) {
            return this;
        }
        Map<TopicRole, String> copy = new EnumMap<>(TopicRole.class);
        copy.putAll(names);
        copy.put(role, name);
        return new Topics(copy);
    }

    /** Every name with {@code prefix} in front (tests and benchmarks that share a broker). */
    public Topics withPrefix(String prefix) {
        Map<TopicRole, String> copy = new EnumMap<>(TopicRole.class);
        names.forEach((role, name) -> copy.put(role, prefix + name));
        return new Topics(copy);
    }

    /** These topics without {@code role} (a service that does not use it this run). */
    public Topics without(TopicRole role) {
        Map<TopicRole, String> copy = new EnumMap<>(TopicRole.class);
        copy.putAll(names);
        copy.remove(role);
        return new Topics(copy);
    }

    /** Only the given roles, each of which these topics must hold. */
    public Topics only(Collection<TopicRole> roles) {
        Map<TopicRole, String> copy = new EnumMap<>(TopicRole.class);
        roles.forEach(r -> copy.put(r, name(r)));
        return new Topics(copy);
    }

    public String checkpoints() {
        return name(TopicRole.CHECKPOINTS);
    }

    public String progress() {
        return name(TopicRole.PROGRESS);
    }

    public String requests() {
        return name(TopicRole.REQUESTS);
    }

    public String evaluationRequests() {
        return name(TopicRole.EVALUATION_REQUESTS);
    }

    public String results() {
        return name(TopicRole.RESULTS);
    }

    public String errors() {
        return name(TopicRole.ERRORS);
    }

    public String fid() {
        return name(TopicRole.FID);
    }

    public String referenceStats() {
        return name(TopicRole.REFERENCE_STATS);
    }

    public String resultsJson() {
        return name(TopicRole.RESULTS_JSON);
    }
}
