package io.ectstream.core.checkpoint;

import io.ectstream.schemas.CheckpointEvent;

/**
 * The one place a {@link CheckpointEvent} is built: a function of the checkpoint file alone (its header, where it lies
 * in the store, its size and SHA-256), so that the trainer's live announcement and a later {@code republish} of the
 * same file are the same record. It lives beside {@link CheckpointMetadata}, the header it reads, not beside the
 * schema (the schemas module does not know the checkpoint format).
 */
public final class CheckpointEvents {
    /** The header scalar holding the mean training loss over the steps since the previous checkpoint. */
    public static final String SCALAR_TRAINING_LOSS = "trainingLoss";

    private CheckpointEvents() {}

    /**
     * @param uri the file's place relative to the store root ({@link CheckpointStore#relativeUri})
     * @return the announcement; its training loss is NaN when the header records none (checkpoints written before
     *     the trainer stored it)
     */
    public static CheckpointEvent of(CheckpointMetadata metadata, String uri, long sizeBytes, String sha256) {
        return CheckpointEvent.newBuilder()
                .setRunId(metadata.runId())
                .setStep(metadata.step())
                .setImagesSeen(metadata.imagesSeen())
                .setPhase(metadata.phase())
                .setEctStage(metadata.ectStage())
                .setNetwork(metadata.network().toAvro())
                .setCheckpointUri(uri)
                .setSizeBytes(sizeBytes)
                .setSha256(sha256)
                .setCreatedAt(metadata.createdAt())
                .setTrainingLoss(metadata.scalars().getOrDefault(SCALAR_TRAINING_LOSS, Double.NaN))
                .build();
    }
}
