package io.ectstream.launcher.demo;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.topics.TopicNames;
import io.ectstream.trainer.publish.DuplicatePolicy;
import io.ectstream.trainer.publish.KafkaTrainingEvents;
import io.ectstream.trainer.publish.PublisherConfig;
import io.ectstream.trainer.publish.StoredCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The teacher the demo tunes, put where the sampler finds checkpoints ({@code <store>/<runId>/step-N.ckpt},
 * under the teacher's own run and step) and announced like any checkpoint: the sampler serves it and the
 * evaluation driver scores it as a teacher (1 and 2 steps, and Heun), the level the tuning run should approach.
 */
final class TeacherCheckpoint {
    private TeacherCheckpoint() {}

    static CheckpointEvent place(Path teacher, Path store) throws CheckpointException, IOException {
        if (!Files.isRegularFile(teacher)) {
            throw new CheckpointException(
                    "teacher checkpoint " + teacher + " not found: run the demo from the repository"
                            + " root, give --teacher FILE, or train one with --from-scratch");
        }
        CheckpointMetadata metadata = CheckpointReader.readMetadata(teacher);
        if (metadata.phase() != Phase.PRETRAIN) {
            throw new CheckpointException("teacher " + teacher + " is from phase " + metadata.phase()
                    + "; the demo tunes a diffusion-pretrained teacher");
        }
        Path placed = CheckpointStore.fileFor(store, metadata.runId(), metadata.step());
        Files.createDirectories(placed.getParent());
        Files.copy(teacher, placed, StandardCopyOption.REPLACE_EXISTING);
        return StoredCheckpoints.describe(store, placed);
    }

    static void announce(CheckpointEvent event, String bootstrapServers, TopicNames topics) {
        PublisherConfig config =
                PublisherConfig.of(bootstrapServers).withTopics(topics).withCloseTimeout(Duration.ofSeconds(30));
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(config, DuplicatePolicy.ANNOUNCE_ALWAYS)) {
            events.checkpointWritten(event);
        }
    }
}
