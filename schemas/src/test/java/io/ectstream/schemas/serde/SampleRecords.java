package io.ectstream.schemas.serde;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindow;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.NetworkConfig;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.Timings;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.TrainingProgress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * One fully populated record of every contract, for round-trip tests; other modules use it through the schemas
 * test-jar.
 */
public final class SampleRecords {
    public static final Instant NOW = Instant.ofEpochMilli(1_790_000_000_123L);

    private SampleRecords() {}

    public static NetworkConfig network() {
        return NetworkConfig.newBuilder()
                .setImgResolution(32)
                .setInChannels(3)
                .setOutChannels(3)
                .setModelChannels(128)
                .setChannelMult(List.of(2, 2, 2))
                .setChannelMultEmb(4)
                .setNumBlocks(4)
                .setAttnResolutions(List.of(16))
                .setDropout(0.2)
                .setSigmaData(0.5)
                .build();
    }

    public static ModelVersion version() {
        return ModelVersion.newBuilder()
                .setRunId("run-1")
                .setStep(2000)
                .setPhase(Phase.ECT)
                .setSha256("ab".repeat(32))
                .build();
    }

    public static CheckpointEvent checkpointEvent() {
        return CheckpointEvent.newBuilder()
                .setRunId("run-1")
                .setStep(2000)
                .setImagesSeen(256_000)
                .setPhase(Phase.ECT)
                .setEctStage(3)
                .setNetwork(network())
                .setCheckpointUri("run-1/step-000002000.ckpt")
                .setSizeBytes(1_234_567)
                .setSha256("ab".repeat(32))
                .setCreatedAt(NOW)
                .setTrainingLoss(0.125)
                .build();
    }

    public static TrainingProgress trainingProgress() {
        return TrainingProgress.newBuilder()
                .setRunId("run-1")
                .setStep(10)
                .setImagesSeen(1280)
                .setTotalImages(12_800)
                .setPhase(Phase.PRETRAIN)
                .setEctStage(0)
                .setLoss(0.5)
                .setImagesPerSecond(42.5)
                .setEtaSeconds(300.0)
                .setTimestamp(NOW)
                .build();
    }

    public static GenerationRequest generationRequest() {
        return GenerationRequest.newBuilder()
                .setRequestId("req-1")
                .setModel(ModelSelector.newBuilder()
                        .setRunId("run-1")
                        .setStep(null)
                        .build())
                .setNumImages(4)
                .setSteps(2)
                .setSeed(7L)
                .setTMid(0.821)
                .setOutputFormat(ImageFormat.RAW_UINT8)
                .setReplyTopic("my.replies")
                .setSampler(SamplerKind.ECT)
                .setPurpose(TrafficPurpose.EVALUATION)
                .setCreatedAt(NOW)
                .build();
    }

    public static GenerationResult generationResult() {
        return GenerationResult.newBuilder()
                .setRequestId("req-1")
                .setModelVersion(version())
                .setImages(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.wrap(new byte[] {(byte) 255})))
                .setImageFormat(ImageFormat.RAW_UINT8)
                .setChannels(1)
                .setHeight(28)
                .setWidth(28)
                .setSeed(7)
                .setNetworkEvaluations(2)
                .setTMid(0.821)
                .setSampler(SamplerKind.ECT)
                .setPurpose(TrafficPurpose.USER)
                .setChunkIndex(1)
                .setChunkCount(3)
                .setFirstImageIndex(64)
                .setTimings(Timings.newBuilder()
                        .setQueuedMs(1.5)
                        .setGenerationMs(20)
                        .setEncodeMs(2)
                        .setTotalMs(24)
                        .build())
                .setCreatedAt(NOW)
                .build();
    }

    public static GenerationError generationError() {
        return GenerationError.newBuilder()
                .setRequestId(null)
                .setCode(ErrorCode.UNDECODABLE)
                .setReason("not Avro")
                .setComponent("sampler-service")
                .setSourceTopic("ect.generate.requests")
                .setSourcePartition(1)
                .setSourceOffset(42L)
                .setOriginalBytes(ByteBuffer.wrap(new byte[] {9, 9}))
                .setOccurredAt(NOW)
                .build();
    }

    public static FidReport fidReport() {
        return FidReport.newBuilder()
                .setModelVersion(version())
                .setSampler(SamplerKind.EDM_HEUN)
                .setNetworkEvaluations(35)
                .setPurpose(TrafficPurpose.EVALUATION)
                .setNumSamples(10_000)
                .setFid(12.5)
                .setFeatureExtractorId("fmnist-cnn@0123")
                .setReferenceStatsId("fmnist-train@4567")
                .setWindow(FidWindow.newBuilder()
                        .setKind(FidWindowKind.ROLLING)
                        .setSize(5000)
                        .build())
                .setImagesSeen(256_000L)
                .setCreatedAt(NOW)
                .build();
    }
}
