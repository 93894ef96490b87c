package io.ectstream.platform.cli;

import io.ectstream.platform.deploy.StrimziResources;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.TopicDrift;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream topics create|describe}: sets up the platform's topics on any cluster, and shows them. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description =
                "Create or describe the platform's Kafka topics (names, partitions, replication, retention/compaction).",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class, TopicsCommand.Manifest.class})
public class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public TopicsCommand() {}

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description =
                    "Create every topic that does not exist yet, with its partitions and configs; existing topics are"
                            + " listed with any drift from their definition, and changed only with --fix-drift.")
    public static class Create implements Callable<Integer> {
        @Mixin
        TopicOptions options = new TopicOptions();

        @Option(
                names = "--fix-drift",
                description =
                        "On existing topics, set the configs that differ from the definition and add missing partitions"
                                + " (a different replication factor needs a partition reassignment and is only reported).")
        boolean fixDrift;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TopicLayout layout = options.layout();
            PrintWriter out = spec.commandLine().getOut();
            try (KafkaTopics topics = new KafkaTopics(options.settings(), Duration.ofSeconds(options.timeoutS))) {
                KafkaTopics.Created result = topics.create(layout, fixDrift);
                for (TopicSpec s : layout.specs()) {
                    out.printf(
                            "%-8s %-16s %-32s partitions=%d replication=%s %s%n",
                            result.created().contains(s.name()) ? "created" : "exists",
                            s.role().key(),
                            s.name(),
                            s.partitions(),
                            s.replicationFactor() == -1 ? "default" : Short.toString(s.replicationFactor()),
                            s.configs());
                }
                result.fixed().forEach(d -> out.println("fixed    " + d));
                result.drift()
                        .forEach(d -> out.println("DRIFT    " + d
                                + (!fixDrift && d.fixable() ? " (--fix-drift applies the definition)" : "")));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description =
                    "Show each topic as it is on the cluster, then one DRIFT line per setting that differs from the"
                            + " definition (fewer partitions, another config value); exit 1 if a topic is missing or has drifted.")
    public static class Describe implements Callable<Integer> {
        @Mixin
        TopicOptions options = new TopicOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TopicLayout layout = options.layout();
            PrintWriter out = spec.commandLine().getOut();
            int missing = 0;
            List<TopicDrift> drift;
            try (KafkaTopics topics = new KafkaTopics(options.settings(), Duration.ofSeconds(options.timeoutS))) {
                Map<String, KafkaTopics.Described> found = topics.describe(
                        layout.specs().stream().map(TopicSpec::name).toList());
                for (TopicSpec s : layout.specs()) {
                    KafkaTopics.Described d = found.get(s.name());
                    if (d == null) {
                        missing++;
                        out.printf(
                                "%-16s %-32s MISSING (wanted partitions=%d %s)%n",
                                s.role().key(), s.name(), s.partitions(), s.configs());
                    } else {
                        out.printf(
                                "%-16s %-32s partitions=%d replication=%d %s%n",
                                s.role().key(), s.name(), d.partitions(), d.replicationFactor(), d.configs());
                    }
                }
                drift = topics.drift(layout);
                drift.forEach(d -> out.println("DRIFT " + d));
            }
            out.flush();
            return missing == 0 && drift.isEmpty() ? 0 : 1;
        }
    }

    @Command(
            name = "manifest",
            mixinStandardHelpOptions = true,
            description =
                    "Print the topics (and with --users the services' Kafka users and ACLs) as Strimzi KafkaTopic and"
                            + " KafkaUser resources (YAML), from the same definitions and options as topics create;"
                            + " connects to nothing.")
    public static class Manifest implements Callable<Integer> {
        @Mixin
        TopicOptions options = new TopicOptions();

        @Option(
                names = "--format",
                defaultValue = "strimzi",
                description = "Output format; only strimzi (default ${DEFAULT-VALUE}).")
        String format;

        @Option(
                names = "--cluster",
                defaultValue = "ectstream",
                description = "Strimzi Kafka cluster (the strimzi.io/cluster label) (default ${DEFAULT-VALUE}).")
        String cluster;

        @Option(
                names = "--users",
                description = "Also a KafkaUser per service (sampler, trainer, evaluator, ...) with its ACLs.")
        boolean users;

        @Option(
                names = "--authentication",
                defaultValue = "scram-sha-512",
                description = "Authentication of the KafkaUsers: scram-sha-512 or tls (default ${DEFAULT-VALUE}).")
        String authentication;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!format.equals("strimzi")) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--format must be strimzi, not '" + format + "'");
            }
            if (!List.of("scram-sha-512", "tls").contains(authentication)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--authentication must be scram-sha-512 or tls, not '" + authentication + "'");
            }
            List<Map<String, Object>> resources =
                    new ArrayList<>(new StrimziResources(options.layout(), cluster).topics());
            if (users) {
                resources.addAll(new StrimziResources(options.allRoles(), cluster).users(authentication));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(StrimziResources.yaml(resources));
            out.flush();
            return 0;
        }
    }

    /** For tests and the launcher: a command line with this command's subcommands. */
    public static CommandLine commandLine() {
        return new CommandLine(new TopicsCommand());
    }
}
