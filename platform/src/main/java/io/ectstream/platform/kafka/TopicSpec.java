package io.ectstream.platform.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * One topic as {@code topics create} makes it.
 *
 * @param role              what the topic carries (the key in {@link TopicLayout})
 * @param name              the topic's name
 * @param partitions        partition count, at least 1
 * @param replicationFactor copies of each partition; -1 takes the broker's default.replication.factor
 * @param configs           topic configs (cleanup.policy, retention.ms, max.message.bytes, ...)
 */
public record TopicSpec(
        TopicRole role, String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        if (role == null) {
            throw new InvalidKafkaSettingsException("a topic role is required");
        }
        if (name == null || name.isBlank() || !name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new InvalidKafkaSettingsException("invalid topic name for " + role.key() + ": '" + name + "'");
        }
        if (partitions < 1) {
            throw new InvalidKafkaSettingsException("topic " + name + ": partitions must be >= 1, not " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != -1) {
            throw new InvalidKafkaSettingsException("topic " + name
                    + ": replication factor must be >= 1 or -1 (broker default), not " + replicationFactor);
        }
        configs = Map.copyOf(new TreeMap<>(configs == null ? Map.of() : configs));
    }

    public TopicSpec withName(String newName) {
        return new TopicSpec(role, newName, partitions, replicationFactor, configs);
    }

    public TopicSpec withPartitions(int n) {
        return new TopicSpec(role, name, n, replicationFactor, configs);
    }

    public TopicSpec withReplicationFactor(short rf) {
        return new TopicSpec(role, name, partitions, rf, configs);
    }

    public TopicSpec withConfig(String key, String value) {
        Map<String, String> copy = new TreeMap<>(configs);
        copy.put(key, value);
        return new TopicSpec(role, name, partitions, replicationFactor, copy);
    }
}
