package io.ectstream.launcher;

import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.platform.ops.OpsOptions;
import io.ectstream.platform.ops.ServiceLifecycle;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the embedded single-node KRaft broker until Ctrl-C, for local use of the services. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run a real single-node Kafka broker (KRaft) on 127.0.0.1 with the platform's topics.")
final class BrokerCommand implements Runnable {

    @Option(
            names = "--port",
            description = "Client port (default ${DEFAULT-VALUE}; 0 picks a free port).",
            defaultValue = "9092")
    int port;

    @Option(
            names = "--data-dir",
            description = "Broker data folder, kept between runs (default ${DEFAULT-VALUE}).",
            defaultValue = "runs/kafka")
    Path dataDir;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description =
                    "Partitions of every topic (default: the platform's layout, as `topics create` makes it: requests,"
                            + " results and results-json 3, the others 1).")
    Integer partitions;

    @Mixin
    OpsOptions ops;

    @Override
    public void run() {
        try (ServiceLifecycle life = ops.lifecycle("broker").withShutdownHook()) {
            EmbeddedKafkaBroker broker = start();
            try (broker) {
                life.readyWhen(() -> true);
                System.out.println(
                        "Kafka broker ready: --bootstrap-servers " + broker.bootstrapServers() + " (Ctrl-C stops it)");
                life.awaitShutdownRequest();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the broker with every platform topic as {@link TopicLayout} defines it (existing topics brought to it). */
    EmbeddedKafkaBroker start() {
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(dataDir.toAbsolutePath(), false, port);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start the broker on 127.0.0.1:" + port
                            + " (is the port taken? choose another with --port, or 0 for a free one): "
                            + e.getMessage(),
                    e);
        }
        try {
            PlatformTopics.setUp(KafkaClientSettings.of(broker.bootstrapServers()), layout());
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private TopicLayout layout() {
        TopicLayout layout = TopicLayout.defaults();
        if (partitions != null) {
            for (TopicSpec spec : layout.specs()) {
                layout = layout.with(spec.withPartitions(partitions));
            }
        }
        return layout;
    }
}
