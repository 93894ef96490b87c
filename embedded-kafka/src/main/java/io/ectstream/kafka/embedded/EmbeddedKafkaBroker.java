package io.ectstream.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller roles) running in this JVM, bound to
 * 127.0.0.1 on free ports. It can be stopped and started again on the same ports and data, which
 * tests use to take the broker away from a running service.
 */
public final class EmbeddedKafkaBroker implements KafkaCluster {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final SaslSslSetup secure;
    private final int securePort;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(
            Path dataDir,
            boolean deleteDataOnClose,
            int brokerPort,
            int controllerPort,
            SaslSslSetup secure,
            int securePort) {
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.secure = secure;
        this.securePort = securePort;
    }

    /**
     * A temporary broker with an extra SASL_SSL listener (SASL/PLAIN and SCRAM-SHA-512, the setup's certificate) and the
     * StandardAuthorizer: on that listener only the super user and what ACLs allow. The PLAINTEXT listener of
     * {@link #bootstrapServers()} stays for set-up (creating topics and ACLs) and is a super user.
     */
    public static EmbeddedKafkaBroker startTemporarySaslSsl(SaslSslSetup setup) {
        try {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(
                    Files.createTempDirectory("ectstream-kafka-sasl-"),
                    true,
                    FreePorts.next(),
                    FreePorts.next(),
                    setup,
                    FreePorts.next());
            broker.startServer();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the broker", e);
        }
    }

    /** The SASL_SSL listener's address; only for a broker from {@link #startTemporarySaslSsl}. */
    public String saslSslBootstrapServers() {
        if (secure == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener");
        }
        return "127.0.0.1:" + securePort;
    }

    /** Starts a broker on free ports with its data in a new temporary folder, deleted on close. */
    public static EmbeddedKafkaBroker startTemporary() {
        try {
            return start(Files.createTempDirectory("ectstream-kafka-"), true, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the broker", e);
        }
    }

    /**
     * Starts a broker with its data in {@code dataDir} (kept on close).
     * @param port the client port, or 0 for a free one
     */
    public static EmbeddedKafkaBroker start(Path dataDir, boolean deleteDataOnClose, int port) {
        int brokerPort = port == 0 ? FreePorts.next() : port;
        EmbeddedKafkaBroker broker =
                new EmbeddedKafkaBroker(dataDir, deleteDataOnClose, brokerPort, FreePorts.next(), null, 0);
        broker.startServer();
        return broker;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** Starts the broker again after {@link #stop()}, on the same ports and data. */
    public synchronized void startServer() {
        if (server != null) {
            return;
        }
        long started = System.nanoTime();
        Properties props = serverProperties();
        formatStorageOnce(props);
        KafkaRaftServer raftServer = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        raftServer.startup();
        server = raftServer;
        if (secure != null) {
            createScramCredentials();
        }
        log.info(
                "Kafka broker (KRaft) ready at {} in {} ms, data in {}",
                bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000,
                dataDir);
    }

    /** Every user of the SASL_SSL setup also gets a SCRAM-SHA-512 credential (set through the PLAINTEXT listener). */
    private void createScramCredentials() {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.<String, Object>of("bootstrap.servers", bootstrapServers()))) {
            var info = new org.apache.kafka.clients.admin.ScramCredentialInfo(
                    org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096);
            java.util.List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> alterations =
                    new java.util.ArrayList<>();
            secure.users()
                    .forEach((user, password) -> alterations.add(
                            new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user, info, password)));
            admin.alterUserScramCredentials(alterations).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the SCRAM credentials of the SASL_SSL users", e);
        }
    }

    /** Stops the broker and keeps its data; {@link #startServer()} brings it back. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("Kafka broker at {} stopped", bootstrapServers());
    }

    @Override
    public synchronized void close() {
        stop();
        if (deleteDataOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("auto.create.topics.enable", "false");
        // Room for large records (moment states, image batches) without per-topic settings.
        p.put("message.max.bytes", "67108864");
        p.put("replica.fetch.max.bytes", "67108864");
        if (secure != null) {
            p.put(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_SSL://127.0.0.1:" + securePort
                            + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put(
                    "advertised.listeners",
                    "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_SSL://127.0.0.1:" + securePort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
            p.putAll(secure.brokerProperties("sasl_ssl"));
        }
        return p;
    }

    private void formatStorageOnce(Properties props) {
        Path logDir = dataDir.resolve("logs");
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            Path configFile = dataDir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(configFile)) {
                props.store(out, "embedded KRaft broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit = StorageTool.execute(
                    new String[] {"format", "-t", randomClusterId(), "-c", configFile.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            if (exit != 0) {
                throw new IllegalStateException("formatting the broker's storage failed (exit " + exit + "): "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare broker storage in " + dataDir, e);
        } catch (Exception e) {
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("formatting the broker's storage failed", e);
        }
    }

    /** Kafka's own generator: it never starts an id with '-', which the storage tool would read as an option. */
    private static String randomClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete broker data in {}: {}", root, e.toString());
        }
    }
}
