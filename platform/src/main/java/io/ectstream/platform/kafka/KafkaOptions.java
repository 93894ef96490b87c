package io.ectstream.platform.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The picocli mixin of the connection flags every command that talks to Kafka shares
 * ({@code @Mixin KafkaOptions kafka;}): {@code --bootstrap-servers}, {@code --kafka-config} and {@code --kafka-property}, merged by {@link #settings()}.
 */
public final class KafkaOptions {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers; overrides bootstrap.servers of --kafka-config/ECTSTREAM_KAFKA_*"
                    + " (default 127.0.0.1:9092; a command where Kafka is optional uses Kafka only when this,"
                    + " --kafka-config or --kafka-property is given).")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "Kafka client properties file (security.protocol, sasl.*, ssl.*, ...) for every Kafka client of this command.")
    Path configFile;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "One Kafka client property; repeatable; overrides --kafka-config and ECTSTREAM_KAFKA_* variables.")
    List<String> properties = new ArrayList<>();

    /** Whether --bootstrap-servers, --kafka-config or --kafka-property was given (where Kafka is optional). */
    public boolean given() {
        return bootstrapServers != null || configFile != null || !properties.isEmpty();
    }

    /** The --bootstrap-servers flag as given; null without it (then {@link #settings()} decides). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Reads the process environment: call this only from a command's run method. */
    public KafkaClientSettings settings() {
        return settings(System.getenv());
    }

    public KafkaClientSettings settings(Map<String, String> env) {
        return KafkaClientSettings.builder()
                .file(configFile)
                .environment(env)
                .properties(properties)
                .bootstrapServers(bootstrapServers)
                .build();
    }
}
