package io.ectstream.launcher.dashboard;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindow;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.NetworkConfig;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.Timings;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.TrainingProgress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records as the services publish them, for feeding the dashboard in tests. */
final class DashboardRecords {
    static final ImageShape SHAPE = new ImageShape(1, 28, 28);

    private DashboardRecords() {}

    static ModelVersion version(long step) {
        return ModelVersion.newBuilder()
                .setRunId("run-a")
                .setStep(step)
                .setPhase(Phase.ECT)
                .setSha256("0".repeat(64))
                .build();
    }

    static TrainingProgress progress(long step) {
        return TrainingProgress.newBuilder()
                .setRunId("run-a")
                .setStep(step)
                .setImagesSeen(step * 64)
                .setTotalImages(64_000)
                .setPhase(Phase.ECT)
                .setEctStage(1)
                .setLoss(0.25)
                .setImagesPerSecond(80)
                .setEtaSeconds(120.0)
                .setTimestamp(Instant.now())
                .build();
    }

    static CheckpointEvent checkpoint(long step) {
        return CheckpointEvent.newBuilder()
                .setRunId("run-a")
                .setStep(step)
                .setImagesSeen(step * 64)
                .setPhase(Phase.ECT)
                .setEctStage(1)
                .setNetwork(NetworkConfig.newBuilder()
                        .setImgResolution(28)
                        .setInChannels(1)
                        .setOutChannels(1)
                        .setModelChannels(32)
                        .setChannelMult(List.of(1, 2, 2))
                        .setChannelMultEmb(4)
                        .setNumBlocks(1)
                        .setAttnResolutions(List.of())
                        .setDropout(0)
                        .setSigmaData(0.5)
                        .build())
                .setCheckpointUri("run-a/step-" + step + ".ckpt")
                .setSizeBytes(100)
                .setSha256("0".repeat(64))
                .setCreatedAt(Instant.now())
                .setTrainingLoss(0.3)
                .build();
    }

    static FidReport fid(long step, int steps, double fid) {
        return FidReport.newBuilder()
                .setModelVersion(version(step))
                .setSampler(SamplerKind.ECT)
                .setNetworkEvaluations(steps)
                .setPurpose(TrafficPurpose.EVALUATION)
                .setNumSamples(1000)
                .setFid(fid)
                .setFeatureExtractorId("cnn@1")
                .setReferenceStatsId("ref@1")
                .setWindow(FidWindow.newBuilder()
                        .setKind(FidWindowKind.ALL)
                        .setSize(1000)
                        .build())
                .setImagesSeen(step * 64)
                .setCreatedAt(Instant.now())
                .build();
    }

    static GenerationResult result(long step, int steps, TrafficPurpose purpose, double totalMs, ImageFormat format) {
        List<ByteBuffer> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] pixels = new byte[SHAPE.pixels()];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) ((p * (i + 3) + steps * 40) % 256);
            }
            images.add(ByteBuffer.wrap(format == ImageFormat.PNG ? ImageCodec.toPng(pixels, SHAPE) : pixels));
        }
        return GenerationResult.newBuilder()
                .setRequestId("req-" + step + "-" + steps)
                .setModelVersion(version(step))
                .setImages(images)
                .setImageFormat(format)
                .setChannels(1)
                .setHeight(28)
                .setWidth(28)
                .setSeed(1)
                .setNetworkEvaluations(steps)
                .setTMid(null)
                .setSampler(SamplerKind.ECT)
                .setPurpose(purpose)
                .setChunkIndex(0)
                .setChunkCount(1)
                .setFirstImageIndex(0)
                .setTimings(Timings.newBuilder()
                        .setQueuedMs(1)
                        .setGenerationMs(5)
                        .setEncodeMs(1)
                        .setTotalMs(totalMs)
                        .build())
                .setCreatedAt(Instant.now())
                .build();
    }
}
