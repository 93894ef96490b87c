package io.ectstream.trainer.numerics;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.loop.TrainingCheckpoints;
import io.ectstream.trainer.loop.TrainingLoop;
import io.ectstream.trainer.testing.TinyRuns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Run by {@link NativeMemoryTest} in a fresh JVM: a short pretraining + ECT run (dropout on, attention, a resampling
 * level) into the folder given as the argument; prints one line with the SHA-256 of every weight and optimizer value
 * of its last checkpoint and the gradient values the guard replaced.
 */
public final class ShortTrainingRun {
    static final String RESULT_PREFIX = "short-run ";

    private ShortTrainingRun() {}

    public static void main(String[] args) throws Exception {
        TrainingConfig config = TinyRuns.config("fresh-jvm", 0.04, 0.04, 100);
        TrainingLoop.Result result = new TrainingLoop(
                        config,
                        RunPlan.pipeline(config),
                        TinyRuns.dataset(12),
                        Path.of(args[0]),
                        Device.cpu(),
                        null,
                        null)
                .run();
        LoadedCheckpoint last = CheckpointReader.read(result.lastCheckpoint(), null, null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String group : new TreeMap<>(last.groups()).keySet()) {
            for (Map.Entry<String, HostTensor> tensor : new TreeMap<>(last.group(group)).entrySet()) {
                sha.update((group + "/" + tensor.getKey()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                float[] data = tensor.getValue().data();
                ByteBuffer bytes =
                        ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(data);
                sha.update(bytes);
            }
        }
        double replaced = last.metadata().scalars().get(TrainingCheckpoints.SCALAR_NON_FINITE_GRADIENT_VALUES);
        System.out.println(RESULT_PREFIX + "step=" + result.step() + " weights-sha256="
                + HexFormat.of().formatHex(sha.digest()) + " nonfinite-gradient-values=" + (long) replaced);
    }
}
