package io.ectstream.sampler.support;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.checkpoint.ParameterTensors;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Random;

/**
 * Real checkpoints, written with core's CheckpointWriter, of a tiny randomly initialised SongUNet
 * (8x8 grayscale, 8 base channels, one level). Every parameter is drawn from N(0, 0.15^2) with a seed
 * (not EDM's init, whose zero-initialised output layer would make every image the same grey), so the
 * images depend visibly on the noise seeds and two seeds give two different networks.
 */
public final class TinyCheckpoints {
    public static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1), 1, 1, List.of(), 0.0, 0.5);

    private TinyCheckpoints() {}

    public static CheckpointEvent write(Path store, String runId, long step, long weightSeed) throws IOException {
        String uri = runId + "/tiny-" + step + ".ckpt";
        Path file = store.resolve(uri);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            SongUNet net = new SongUNet(SPEC);
            net.initialize(manager, weightSeed);
            Random random = new Random(weightSeed);
            Map<String, NDArray> arrays = ParameterTensors.arrays(net);
            for (Entry<String, NDArray> e : arrays.entrySet()) {
                float[] values = new float[(int) e.getValue().size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 0.15);
                }
                e.getValue().set(FloatBuffer.wrap(values));
            }
            Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
            groups.put(CheckpointFormat.GROUP_EMA, arrays);
            CheckpointMetadata metadata = new CheckpointMetadata(
                    runId,
                    step,
                    step * 64,
                    Phase.ECT,
                    1,
                    SPEC,
                    null,
                    Map.of("init", weightSeed),
                    Map.of(),
                    Instant.now());
            WrittenCheckpoint written = CheckpointWriter.write(file, metadata, groups);
            return CheckpointEvent.newBuilder()
                    .setRunId(runId)
                    .setStep(step)
                    .setImagesSeen(step * 64)
                    .setPhase(Phase.ECT)
                    .setEctStage(1)
                    .setNetwork(SPEC.toAvro())
                    .setCheckpointUri(uri)
                    .setSizeBytes(written.sizeBytes())
                    .setSha256(written.sha256())
                    .setCreatedAt(Instant.now())
                    .setTrainingLoss(0.0)
                    .build();
        }
    }
}
