package io.ectstream.evaluator.driver;

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
import java.util.Random;

/**
 * A real checkpoint (core's CheckpointWriter) of a tiny SongUNet, 8x8 grayscale, with every parameter drawn
 * from N(0, 0.15^2) by a seed, so that images depend on the noise and two seeds give two different models.
 */
public final class TinyCheckpoint {
    public static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1), 1, 1, List.of(), 0.0, 0.5);

    private TinyCheckpoint() {}

    /** Writes {@code store/<runId>/tiny-<step>.ckpt} (imagesSeen = 100 * step); the event's uri is relative to store. */
    public static CheckpointEvent write(Path store, String runId, long step, Phase phase, long weightSeed)
            throws IOException {
        return write(store, runId, step, phase, weightSeed, null);
    }

    /**
     * As {@link #write(Path, String, long, Phase, long)}, with a student group as a training checkpoint has:
     * its weights drawn from {@code studentSeed} (null: no student group, as in an export-weights file).
     */
    public static CheckpointEvent write(
            Path store, String runId, long step, Phase phase, long weightSeed, Long studentSeed) throws IOException {
        String uri = runId + "/tiny-" + step + ".ckpt";
        int stage = phase == Phase.ECT ? 1 : 0;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
            if (studentSeed != null) {
                groups.put(CheckpointFormat.GROUP_STUDENT, weights(manager, studentSeed));
            }
            groups.put(CheckpointFormat.GROUP_EMA, weights(manager, weightSeed));
            CheckpointMetadata metadata = new CheckpointMetadata(
                    runId,
                    step,
                    step * 100,
                    phase,
                    stage,
                    SPEC,
                    null,
                    Map.of("init", weightSeed),
                    Map.of(),
                    Instant.now());
            WrittenCheckpoint written = CheckpointWriter.write(store.resolve(uri), metadata, groups);
            return CheckpointEvent.newBuilder()
                    .setRunId(runId)
                    .setStep(step)
                    .setImagesSeen(step * 100)
                    .setPhase(phase)
                    .setEctStage(stage)
                    .setNetwork(SPEC.toAvro())
                    .setCheckpointUri(uri)
                    .setSizeBytes(written.sizeBytes())
                    .setSha256(written.sha256())
                    .setCreatedAt(Instant.now())
                    .setTrainingLoss(0.0)
                    .build();
        }
    }

    private static Map<String, NDArray> weights(NDManager manager, long seed) {
        SongUNet net = new SongUNet(SPEC);
        net.initialize(manager, seed);
        Random random = new Random(seed);
        Map<String, NDArray> arrays = ParameterTensors.arrays(net);
        for (NDArray array : arrays.values()) {
            float[] values = new float[(int) array.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.15);
            }
            array.set(FloatBuffer.wrap(values));
        }
        return arrays;
    }
}
