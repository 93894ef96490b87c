package io.ectstream.platform.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One way a topic on the cluster differs from its {@link TopicSpec}: a config with another effective value, fewer
 * partitions than defined, or another replication factor where one is defined. More partitions than defined is not
 * drift (Kafka cannot take partitions away, and more only spreads the load).
 *
 * @param topic    the topic's name
 * @param setting  the config key, {@code partitions} or {@code replication.factor}
 * @param actual   the value on the cluster ({@code unset} where the cluster knows no such config)
 * @param expected the value of the definition
 */
public record TopicDrift(String topic, String setting, String actual, String expected) {
    public static final String PARTITIONS = "partitions";
    public static final String REPLICATION_FACTOR = "replication.factor";

    /** Every difference between the definition and the topic as described (with its effective configs). */
    public static List<TopicDrift> between(TopicSpec spec, KafkaTopics.Described found) {
        List<TopicDrift> drift = new ArrayList<>();
        if (found.partitions() < spec.partitions()) {
            drift.add(new TopicDrift(
                    spec.name(),
                    PARTITIONS,
                    Integer.toString(found.partitions()),
                    Integer.toString(spec.partitions())));
        }
        if (spec.replicationFactor() != -1 && found.replicationFactor() != spec.replicationFactor()) {
            drift.add(new TopicDrift(
                    spec.name(),
                    REPLICATION_FACTOR,
                    Integer.toString(found.replicationFactor()),
                    Short.toString(spec.replicationFactor())));
        }
        spec.configs().forEach((key, expected) -> {
            String actual = found.effectiveConfigs().get(key);
            if (!sameValue(actual, expected)) {
                drift.add(new TopicDrift(spec.name(), key, actual == null ? "unset" : actual, expected));
            }
        });
        return drift;
    }

    /** A config is set and partitions are added in place; another replication factor needs a partition reassignment. */
    public boolean fixable() {
        return !setting.equals(REPLICATION_FACTOR);
    }

    /** List values ({@code compact,delete}) compare as sets. */
    private static boolean sameValue(String actual, String expected) {
        if (actual == null) {
            return false;
        }
        return Objects.equals(normalized(actual), normalized(expected));
    }

    private static List<String> normalized(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .sorted()
                .toList();
    }

    /** {@code ect.checkpoints retention.ms=604800000, expected -1} */
    @Override
    public String toString() {
        return topic + " " + setting + "=" + actual + ", expected " + expected;
    }
}
