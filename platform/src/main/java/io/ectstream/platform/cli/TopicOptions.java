package io.ectstream.platform.cli;

import io.ectstream.platform.kafka.InvalidKafkaSettingsException;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options {@code topics create} and {@code topics describe} share: where Kafka is and what every topic looks like. */
public final class TopicOptions {
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(
            names = "--topic",
            paramLabel = "ROLE=NAME",
            description =
                    "Name of a topic; roles: checkpoints, progress, requests, results, errors, fid, reference-stats, results-json.")
    Map<String, String> names = new LinkedHashMap<>();

    @Option(
            names = "--partitions",
            paramLabel = "ROLE=N",
            description = "Partitions of a topic (defaults: requests/results/results-json 3, others 1).")
    Map<String, Integer> partitions = new LinkedHashMap<>();

    @Option(
            names = "--request-partitions",
            paramLabel = "N",
            description =
                    "Partitions of the requests and evaluation-requests topics: the number of sampler processes in the"
                            + " group (serve --device gpu:0,1 is one process; one serve per GPU is one each), or a multiple"
                            + " of it; a --partitions entry for either role wins (default: 3).")
    Integer requestPartitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description =
                    "Replication factor of every topic; -1 takes the cluster's default.replication.factor (default).")
    short replicationFactor = -1;

    @Option(
            names = "--retention-ms",
            paramLabel = "ROLE=MS",
            description =
                    "retention.ms of a topic; -1 keeps forever (defaults: checkpoints and fid forever, requests/results 1 day, progress/errors 7 days).")
    Map<String, Long> retentionMs = new LinkedHashMap<>();

    @Option(
            names = "--cleanup-policy",
            paramLabel = "ROLE=POLICY",
            description =
                    "cleanup.policy of a topic: delete, compact or compact,delete (default: reference-stats compact, others delete).")
    Map<String, String> cleanupPolicy = new LinkedHashMap<>();

    @Option(
            names = "--topic-config",
            paramLabel = "ROLE:KEY=VALUE",
            description = "Any other topic config, e.g. results:min.insync.replicas=2.")
    List<String> topicConfigs = new ArrayList<>();

    @Option(names = "--only", paramLabel = "ROLE", split = ",", description = "Only these roles (default: all).")
    List<String> only = new ArrayList<>();

    @Option(
            names = "--timeout-s",
            defaultValue = "30",
            description = "Longest wait for the cluster (default ${DEFAULT-VALUE}).")
    long timeoutS;

    public KafkaClientSettings settings() {
        return kafka.settings();
    }

    /** The default layout with every option applied on top. */
    public TopicLayout layout() {
        TopicLayout layout = allRoles();
        return only.isEmpty()
                ? layout
                : layout.only(only.stream().map(TopicRole::ofKey).toList());
    }

    /** Every role's topic with the options applied, whatever {@code --only} says. */
    public TopicLayout allRoles() {
        TopicLayout layout = TopicLayout.defaults();
        for (TopicSpec spec : layout.specs()) {
            layout = layout.with(replicationFactor == -1 ? spec : spec.withReplicationFactor(replicationFactor));
        }
        for (Map.Entry<String, String> e : names.entrySet()) {
            layout = change(layout, e.getKey(), s -> s.withName(e.getValue()));
        }
        if (requestPartitions != null) {
            for (TopicRole role : List.of(TopicRole.REQUESTS, TopicRole.EVALUATION_REQUESTS)) {
                layout = layout.with(layout.get(role).withPartitions(requestPartitions));
            }
        }
        for (Map.Entry<String, Integer> e : partitions.entrySet()) {
            layout = change(layout, e.getKey(), s -> s.withPartitions(e.getValue()));
        }
        for (Map.Entry<String, Long> e : retentionMs.entrySet()) {
            layout = change(layout, e.getKey(), s -> s.withConfig("retention.ms", Long.toString(e.getValue())));
        }
        for (Map.Entry<String, String> e : cleanupPolicy.entrySet()) {
            layout = change(layout, e.getKey(), s -> s.withConfig("cleanup.policy", e.getValue()));
        }
        for (String entry : topicConfigs) {
            int colon = entry.indexOf(':');
            int eq = colon < 0 ? -1 : entry.indexOf('=', colon);
            if (colon <= 0 || eq <= colon + 1) {
                throw new InvalidKafkaSettingsException("--topic-config must be ROLE:KEY=VALUE, not '" + entry + "'");
            }
            String key = entry.substring(colon + 1, eq);
            String value = entry.substring(eq + 1);
            layout = change(layout, entry.substring(0, colon), s -> s.withConfig(key, value));
        }
        return layout;
    }

    private static TopicLayout change(TopicLayout layout, String role, UnaryOperator<TopicSpec> change) {
        return layout.with(change.apply(layout.get(TopicRole.ofKey(role))));
    }
}
