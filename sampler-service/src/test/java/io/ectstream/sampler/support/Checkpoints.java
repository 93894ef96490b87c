package io.ectstream.sampler.support;

import io.ectstream.core.checkpoint.Sha256;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.NetworkConfig;
import io.ectstream.schemas.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Checkpoint files in a store and the events describing them. */
public final class Checkpoints {
    private Checkpoints() {}

    /** A SeededModelLoader checkpoint: the file holds the salt. */
    public static CheckpointEvent seeded(Path store, String runId, long step, long salt) throws IOException {
        return write(store, runId, step, Long.toString(salt));
    }

    public static CheckpointEvent write(Path store, String runId, long step, String content) throws IOException {
        String name = runId + "/step-" + step + ".ckpt";
        Path file = store.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return event(runId, step, name, file);
    }

    public static CheckpointEvent event(String runId, long step, String uri, Path file) throws IOException {
        return CheckpointEvent.newBuilder()
                .setRunId(runId)
                .setStep(step)
                .setImagesSeen(step * 64)
                .setPhase(Phase.ECT)
                .setEctStage(0)
                .setNetwork(tinyNetwork())
                .setCheckpointUri(uri)
                .setSizeBytes(Files.size(file))
                .setSha256(Sha256.hex(file))
                .setCreatedAt(Instant.now())
                .setTrainingLoss(0.1)
                .build();
    }

    public static NetworkConfig tinyNetwork() {
        return NetworkConfig.newBuilder()
                .setImgResolution(8)
                .setInChannels(1)
                .setOutChannels(1)
                .setModelChannels(8)
                .setChannelMult(List.of(1))
                .setChannelMultEmb(1)
                .setNumBlocks(1)
                .setAttnResolutions(List.of())
                .setDropout(0.0)
                .setSigmaData(0.5)
                .build();
    }
}
