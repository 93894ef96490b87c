package io.ectstream.evaluator.stream;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.NetworkConfig;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.Timings;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** GenerationResult records made of random images, for the topology tests. */
public final class TestResults {
    public static final ImageShape SHAPE = new ImageShape(1, 8, 8);

    private TestResults() {}

    static ModelVersion version(String run, long step) {
        return new ModelVersion(run, step, Phase.ECT, "ab".repeat(32));
    }

    static CheckpointEvent checkpoint(String run, long step, long imagesSeen) {
        NetworkConfig network = NetworkConfig.newBuilder()
                .setImgResolution(8)
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
        return CheckpointEvent.newBuilder()
                .setRunId(run)
                .setStep(step)
                .setImagesSeen(imagesSeen)
                .setPhase(Phase.ECT)
                .setEctStage(1)
                .setNetwork(network)
                .setCheckpointUri(run + "/" + step + ".ckpt")
                .setSizeBytes(1)
                .setSha256("ab".repeat(32))
                .setCreatedAt(Instant.EPOCH)
                .setTrainingLoss(0.1)
                .build();
    }

    public static List<byte[]> images(Random random, int count) {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] chw = new byte[SHAPE.pixels()];
            for (int p = 0; p < chw.length; p++) {
                chw[p] = (byte) (random.nextInt(160) + (p % 8) * 12);
            }
            images.add(chw);
        }
        return images;
    }

    public static GenerationResult result(
            String requestId,
            ModelVersion version,
            int steps,
            TrafficPurpose purpose,
            List<byte[]> images,
            ImageFormat format) {
        List<ByteBuffer> encoded = images.stream()
                .map(chw -> ByteBuffer.wrap(format == ImageFormat.PNG ? ImageCodec.toPng(chw, SHAPE) : chw))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        return GenerationResult.newBuilder()
                .setRequestId(requestId)
                .setModelVersion(version)
                .setImages(encoded)
                .setImageFormat(format)
                .setChannels(SHAPE.channels())
                .setHeight(SHAPE.height())
                .setWidth(SHAPE.width())
                .setSeed(1)
                .setNetworkEvaluations(steps)
                .setTMid(null)
                .setSampler(SamplerKind.ECT)
                .setPurpose(purpose)
                .setChunkIndex(0)
                .setChunkCount(1)
                .setFirstImageIndex(0)
                .setTimings(new Timings(0.0, 0.0, 0.0, 0.0))
                .setCreatedAt(Instant.ofEpochMilli(0))
                .build();
    }
}
