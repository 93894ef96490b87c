package io.ectstream.core.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The picocli mixin every command that talks to Kafka shares ({@code @Mixin KafkaOptions kafka;}). The command
 * keeps its own {@code --bootstrap-servers} (without a default value) and passes it to {@link #settings(String)}.
 */
public final class KafkaOptions {

    @Option(names = "--kafka-config", paramLabel = "FILE",
        description = "Kafka client properties file (security.protocol, sasl.*, ssl.*, ...) for every Kafka client of this command.")
    Path configFile;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "One Kafka client property; repeatable; overrides --kafka-config and ECTSTREAM_KAFKA_* variables.")
    List<String> properties = new ArrayList<>();

    /** Whether --kafka-config or --kafka-property was given (for commands where Kafka is optional). */
    public boolean given() {
        return configFile != null || !properties.isEmpty();
    }

    /** Reads the process environment: call this only from a command's run method. */
    public KafkaClientSettings settings(String bootstrapServers) {
        return settings(bootstrapServers, System.getenv());
    }

    public KafkaClientSettings settings(String bootstrapServers, Map<String, String> env) {
        return KafkaClientSettings.builder()
            .file(configFile)
            .environment(env)
            .properties(properties)
            .bootstrapServers(bootstrapServers)
            .build();
    }
}
