package io.ectstream.trainer.publish;

import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.Sha256;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.NetworkConfig;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.TrainingProgress;
import io.ectstream.schemas.serde.AvroSerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Builders for events over real files, and a reader of what reached a topic. */
final class TestEvents {
    private TestEvents() {}

    static Topics uniqueTopics() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics d = Topics.defaults();
        return Topics.defaults()
                .with(TopicRole.CHECKPOINTS, d.checkpoints() + "." + suffix)
                .with(TopicRole.PROGRESS, d.progress() + "." + suffix);
    }

    static NetworkConfig network() {
        return NetworkConfig.newBuilder()
                .setImgResolution(32)
                .setInChannels(1)
                .setOutChannels(1)
                .setModelChannels(16)
                .setChannelMult(List.of(1, 2))
                .setChannelMultEmb(4)
                .setNumBlocks(1)
                .setAttnResolutions(List.of())
                .setDropout(0.0)
                .setSigmaData(0.5)
                .build();
    }

    /** Writes a checkpoint-sized file of seeded random bytes at the store layout's place for {@code step}. */
    static Path writeCheckpointFile(Path root, String runId, long step, int bytes) throws IOException {
        Path file = root.resolve(runId).resolve(CheckpointStore.fileName(step));
        Files.createDirectories(file.getParent());
        byte[] content = new byte[bytes];
        new Random(step * 31 + runId.hashCode()).nextBytes(content);
        Files.write(file, content);
        return file;
    }

    /** SHA-256 computed here, apart from the code under test. */
    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static CheckpointEvent checkpoint(Path root, String runId, long step, Path file) throws Exception {
        Sha256.FileDigest digest = Sha256.of(file);
        return CheckpointEvent.newBuilder()
                .setRunId(runId)
                .setStep(step)
                .setImagesSeen(step * 128)
                .setPhase(Phase.ECT)
                .setEctStage((int) (step / 1000))
                .setNetwork(network())
                .setCheckpointUri(CheckpointStore.relativeUri(root, file))
                .setSizeBytes(digest.sizeBytes())
                .setSha256(digest.sha256())
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + step))
                .setTrainingLoss(1.0 / (step + 1))
                .build();
    }

    static TrainingProgress progress(String runId, long step) {
        return TrainingProgress.newBuilder()
                .setRunId(runId)
                .setStep(step)
                .setImagesSeen(step * 128)
                .setTotalImages(1_000_000)
                .setPhase(Phase.PRETRAIN)
                .setEctStage(0)
                .setLoss(0.5)
                .setImagesPerSecond(100)
                .setEtaSeconds(null)
                .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + step))
                .build();
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, int atLeast, Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= atLeast) {
                    // one more poll to catch anything beyond the expected count (duplicates)
                    consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                    break;
                }
            }
        }
        return records;
    }

    static List<CheckpointEvent> checkpoints(String bootstrap, String topic, int atLeast, Duration timeout) {
        var deserializer = AvroSerdes.checkpointEvent().deserializer();
        return readAll(bootstrap, topic, atLeast, timeout).stream()
                .map(r -> deserializer.deserialize(topic, r.value()))
                .toList();
    }

    static List<TrainingProgress> progressRecords(String bootstrap, String topic, int atLeast, Duration timeout) {
        var deserializer = AvroSerdes.trainingProgress().deserializer();
        return readAll(bootstrap, topic, atLeast, timeout).stream()
                .map(r -> deserializer.deserialize(topic, r.value()))
                .toList();
    }

    static void awaitDelivered(KafkaTrainingEvents events, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.delivered() + events.skippedDuplicates() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Runs the training thread's publish calls on a thread of their own and returns once every call has returned.
     * The calls only put events in the publisher's queue, so they return while the broker is away; a call that waited
     * on the broker would hold max.block.ms (1 s) each, and {@code calls} would not be done within {@code timeout}.
     */
    static void trainingThread(Runnable calls, Duration timeout) throws Exception {
        try {
            CompletableFuture.runAsync(calls).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the training thread's publish calls did not return within " + timeout, e);
        }
    }
}
