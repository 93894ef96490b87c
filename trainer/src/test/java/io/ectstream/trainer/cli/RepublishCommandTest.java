package io.ectstream.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.serde.AvroSerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@BrokerTest
class RepublishCommandTest {
    private static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 1, List.of(4), 0.1, 0.5);

    @TempDir
    Path root;

    private Path writeCheckpoint(NDManager manager, String runId, long step, Phase phase, int stage) throws Exception {
        Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
        groups.put(CheckpointFormat.GROUP_STUDENT, Map.of("w", manager.arange(0f, 64f + step / 1000f)));
        groups.put(CheckpointFormat.GROUP_EMA, Map.of("w", manager.arange(0f, 32f)));
        CheckpointMetadata metadata = new CheckpointMetadata(
                runId,
                step,
                step * 64,
                phase,
                stage,
                SPEC,
                null,
                Map.of("run", 7L),
                Map.of("trainingLoss", 0.25 + step / 1e4),
                Instant.parse("2026-11-26T12:00:00Z").plusSeconds(step));
        return CheckpointWriter.write(CheckpointStore.fileFor(root, runId, step), metadata, groups)
                .file();
    }

    private static int run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new RepublishCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        return code;
    }

    @Test
    void announcesEachReadableCheckpointOnceWithItsRealSizeAndHash(KafkaCluster kafka) throws Exception {
        String topic =
                "ect.checkpoints.republish." + UUID.randomUUID().toString().substring(0, 8);
        List<Path> files = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            files.add(writeCheckpoint(manager, "run-r", 1000, Phase.PRETRAIN, 0));
            files.add(writeCheckpoint(manager, "run-r", 2000, Phase.ECT, 0));
            files.add(writeCheckpoint(manager, "run-r", 3000, Phase.ECT, 1));
        }
        Path runDir = root.resolve("run-r");
        Files.write(runDir.resolve("step-000004000.ckpt"), new byte[] {1, 2, 3, 4, 5});
        Files.writeString(runDir.resolve("notes.txt"), "not a checkpoint");

        String[] args = {
            "--run-dir",
            runDir.toString(),
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--checkpoints-topic",
            topic,
            "--timeout",
            "30s"
        };
        assertEquals(2, run(args), "exit 2: one file could not be read");

        List<CheckpointEvent> events = read(kafka, topic, 3);
        assertEquals(
                List.of(1000L, 2000L, 3000L),
                events.stream().map(CheckpointEvent::getStep).toList());
        for (int i = 0; i < 3; i++) {
            CheckpointEvent event = events.get(i);
            Path file = files.get(i);
            assertEquals("run-r", event.getRunId());
            assertEquals("run-r/" + file.getFileName(), event.getCheckpointUri());
            assertEquals(Files.size(file), event.getSizeBytes());
            assertEquals(
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                    event.getSha256());
            assertEquals(SPEC.toAvro(), event.getNetwork());
            assertEquals(0.25 + event.getStep() / 1e4, event.getTrainingLoss(), 1e-12);
            assertEquals(event.getStep() * 64, event.getImagesSeen());
        }
        assertEquals(Phase.PRETRAIN, events.get(0).getPhase());
        assertEquals(1, events.get(2).getEctStage());

        assertEquals(2, run(args), "second run: nothing new");
        assertEquals(3, read(kafka, topic, 3).size(), "already announced checkpoints are not announced again");

        Files.delete(runDir.resolve("step-000004000.ckpt"));
        String[] all = {
            "--run-dir",
            runDir.toString(),
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--checkpoints-topic",
            topic,
            "--timeout",
            "30s",
            "--all"
        };
        assertEquals(0, run(all));
        List<Long> steps =
                read(kafka, topic, 6).stream().map(CheckpointEvent::getStep).toList();
        assertEquals(List.of(1000L, 2000L, 3000L, 1000L, 2000L, 3000L), steps);
    }

    @Test
    void aCheckpointFromOutsideTheStoreIsCopiedInAtItsRunAndStepAndAnnouncedOnce(KafkaCluster kafka) throws Exception {
        String topic =
                "ect.checkpoints.republish." + UUID.randomUUID().toString().substring(0, 8);
        Path shipped = root.resolve("model.ckpt");
        Path other = root.resolve("other.ckpt");
        try (NDManager manager = NDManager.newBaseManager()) {
            Files.move(writeCheckpoint(manager, "run-s", 800, Phase.ECT, 0), shipped);
            Files.move(writeCheckpoint(manager, "run-s", 800, Phase.ECT, 1), other);
        }
        Path store = root.resolve("store");
        String[] args = {
            "--checkpoint",
            shipped.toString(),
            "--store-root",
            store.toString(),
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--checkpoints-topic",
            topic,
            "--timeout",
            "30s"
        };
        assertEquals(0, run(args));
        Path copied = store.resolve("run-s/step-000000800.ckpt");
        assertEquals(-1L, Files.mismatch(shipped, copied), "a byte-identical copy at the run's step");
        CheckpointEvent event = read(kafka, topic, 1).get(0);
        assertEquals("run-s/step-000000800.ckpt", event.getCheckpointUri());
        assertEquals(Files.size(shipped), event.getSizeBytes());

        assertEquals(0, run(args), "the same file again: the copy is reused and not announced twice");
        assertEquals(1, read(kafka, topic, 1).size());

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new RepublishCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(
                "--checkpoint",
                other.toString(),
                "--store-root",
                store.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--checkpoints-topic",
                topic,
                "--timeout",
                "30s");
        assertEquals(2, code, "another checkpoint of the same run and step is refused, not overwritten");
        assertTrue(out.toString().contains("already holds another checkpoint of run run-s step 800"), out.toString());
        assertEquals(-1L, Files.mismatch(shipped, copied));
    }

    @Test
    void aFileInTheWrongPlaceIsReportedNotAnnounced(KafkaCluster kafka) throws Exception {
        String topic =
                "ect.checkpoints.republish." + UUID.randomUUID().toString().substring(0, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = writeCheckpoint(manager, "run-m", 1000, Phase.ECT, 0);
            Files.move(file, file.resolveSibling("step-000005000.ckpt"));
        }
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new RepublishCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(
                "--run-dir",
                root.resolve("run-m").toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--checkpoints-topic",
                topic,
                "--timeout",
                "20s");
        assertEquals(2, code);
        assertTrue(out.toString().contains("its header says run run-m step 1000"), out.toString());
        assertTrue(out.toString().contains("0 checkpoints found, 0 announced"), out.toString());
    }

    @Test
    void kafkaClientSettingsFromAFileReachTheClientAndBadOnesFailClearly(KafkaCluster kafka) throws Exception {
        String topic =
                "ect.checkpoints.republish." + UUID.randomUUID().toString().substring(0, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            writeCheckpoint(manager, "run-k", 1000, Phase.ECT, 0);
        }
        Path runDir = root.resolve("run-k");
        Path clientFile = root.resolve("client.properties");
        Files.writeString(clientFile, "bootstrap.servers=" + kafka.bootstrapServers() + "\nclient.id=republish-test\n");
        assertEquals(
                0,
                run(
                        "--run-dir",
                        runDir.toString(),
                        "--kafka-config",
                        clientFile.toString(),
                        "--checkpoints-topic",
                        topic,
                        "--timeout",
                        "30s"),
                "no --bootstrap-servers: the file's bootstrap.servers is used");
        assertEquals(
                List.of(1000L),
                read(kafka, topic, 1).stream().map(CheckpointEvent::getStep).toList());

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new RepublishCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(
                "--run-dir",
                runDir.toString(),
                "--kafka-config",
                clientFile.toString(),
                "--kafka-property",
                "security.protocol=NOT_A_PROTOCOL",
                "--checkpoints-topic",
                topic,
                "--timeout",
                "5s");
        // The publisher stays up and retries (logging the client's "Invalid value NOT_A_PROTOCOL" error); nothing is
        // delivered.
        assertTrue(code != 0, "a bogus security.protocol must not pass silently");
        assertTrue(out.toString().contains("1 checkpoints found, 0 announced"), out.toString());
    }

    private static List<CheckpointEvent> read(KafkaCluster kafka, String topic, int atLeast) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        var deserializer = AvroSerdes.checkpointEvent().deserializer();
        List<CheckpointEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && events.size() < atLeast) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(r -> events.add(deserializer.deserialize(topic, r.value())));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> events.add(deserializer.deserialize(topic, r.value())));
        }
        return events;
    }
}
