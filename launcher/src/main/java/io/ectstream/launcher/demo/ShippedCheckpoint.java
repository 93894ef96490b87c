package io.ectstream.launcher.demo;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.publish.DuplicatePolicy;
import io.ectstream.trainer.publish.KafkaTrainingEvents;
import io.ectstream.trainer.publish.PublisherConfig;
import io.ectstream.trainer.publish.StoredCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A checkpoint shipped in {@code models/}, put where the sampler finds checkpoints ({@code <store>/<runId>/step-N.ckpt},
 * under its own run and step, as {@code republish --checkpoint} does) and announced like any checkpoint: the sampler
 * serves it and the evaluation driver scores it. The demo ships two: the ECT-tuned model users are served, and the
 * teacher it tunes live (scored with 1 and 2 steps and Heun, the level the tuning run starts from).
 */
final class ShippedCheckpoint {
    private ShippedCheckpoint() {}

    /** The model served to users: any checkpoint the sampler can load. */
    static CheckpointEvent placeServed(Path model, Path store) throws CheckpointException, IOException {
        if (!Files.isRegularFile(model)) {
            throw new CheckpointException("served model " + model + " not found: run the demo from the repository"
                    + " root, give --served-model FILE, or --served-model none");
        }
        return StoredCheckpoints.describe(store, StoredCheckpoints.copyIntoStore(store, model));
    }

    /** The teacher the demo tunes: a diffusion-pretrained checkpoint. */
    static CheckpointEvent placeTeacher(Path teacher, Path store) throws CheckpointException, IOException {
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
        return StoredCheckpoints.describe(store, StoredCheckpoints.copyIntoStore(store, teacher));
    }

    static void announce(CheckpointEvent event, String bootstrapServers, Topics topics) {
        PublisherConfig config =
                PublisherConfig.of(bootstrapServers).withTopics(topics).withCloseTimeout(Duration.ofSeconds(30));
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(config, DuplicatePolicy.ANNOUNCE_ALWAYS)) {
            events.checkpointWritten(event);
        }
    }
}
