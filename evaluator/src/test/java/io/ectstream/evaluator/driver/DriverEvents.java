package io.ectstream.evaluator.driver;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.NetworkConfig;
import io.ectstream.schemas.Phase;
import java.time.Instant;
import java.util.List;

/** Checkpoint events for the driver's unit tests (no file behind them). */
final class DriverEvents {
    private DriverEvents() {}

    static CheckpointEvent event(String run, long step, Phase phase) {
        NetworkConfig network = NetworkConfig.newBuilder()
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
        return CheckpointEvent.newBuilder()
                .setRunId(run)
                .setStep(step)
                .setImagesSeen(step * 100)
                .setPhase(phase)
                .setEctStage(phase == Phase.ECT ? 1 : 0)
                .setNetwork(network)
                .setCheckpointUri(run + "/" + step + ".ckpt")
                .setSizeBytes(1)
                .setSha256("ab".repeat(32))
                .setCreatedAt(Instant.EPOCH)
                .setTrainingLoss(0.1)
                .build();
    }
}
