package io.ectstream.core.safetensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.schemas.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint's EMA weights to and from a safetensors file in the reference implementation's layout
 * ({@link ReferenceLayout}). The file's {@code __metadata__} records where the weights came from
 * ({@code ectstream.*} keys); import keeps the step, phase and stage it finds there.
 */
public final class ReferenceWeights {
    /** safetensors.torch writes {"format": "pt"}; Hugging Face loaders expect it. */
    public static final String FORMAT_KEY = "format";

    public static final String KEY_NETWORK = "ectstream.network";
    public static final String KEY_RUN_ID = "ectstream.runId";
    public static final String KEY_STEP = "ectstream.step";
    public static final String KEY_IMAGES_SEEN = "ectstream.imagesSeen";
    public static final String KEY_PHASE = "ectstream.phase";
    public static final String KEY_ECT_STAGE = "ectstream.ectStage";
    public static final String KEY_SOURCE_SHA256 = "ectstream.sourceSha256";
    public static final String KEY_REFERENCE = "reference";
    public static final String REFERENCE = "github.com/locuslab/ect training.networks.ECMPrecond(model_type='SongUNet',"
            + " embedding_type='positional', encoder_type='standard', decoder_type='standard', channel_mult_noise=1,"
            + " resample_filter=[1,1], label_dim=0, augment_dim=0); the EMA weights";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceWeights() {}

    /** Writes the EMA weights of {@code checkpoint} (verified first) to {@code target}. */
    public static void export(Path checkpoint, Path target) throws CheckpointException, IOException {
        if (checkpoint
                .toAbsolutePath()
                .normalize()
                .equals(target.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the export must go to another file than its source " + checkpoint);
        }
        LoadedCheckpoint loaded = CheckpointReader.read(checkpoint, null, Set.of(CheckpointFormat.GROUP_EMA));
        CheckpointMetadata meta = loaded.metadata();
        ReferenceLayout layout = ReferenceLayout.of(new SongUNet(meta.network()));
        Map<String, HostTensor> tensors = layout.toReference(loaded.group(CheckpointFormat.GROUP_EMA));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, "pt");
        metadata.put(KEY_REFERENCE, REFERENCE);
        metadata.put(KEY_NETWORK, JSON.writeValueAsString(meta.network()));
        metadata.put(KEY_RUN_ID, meta.runId());
        metadata.put(KEY_STEP, Long.toString(meta.step()));
        metadata.put(KEY_IMAGES_SEEN, Long.toString(meta.imagesSeen()));
        metadata.put(KEY_PHASE, meta.phase().name());
        metadata.put(KEY_ECT_STAGE, Integer.toString(meta.ectStage()));
        metadata.put(KEY_SOURCE_SHA256, loaded.sha256());
        Safetensors.write(target, metadata, tensors);
    }

    /**
     * Reads reference-layout weights into a checkpoint holding them as its EMA group (what sampling and
     * {@code train --init} read). A file that records its network must record {@code network}; without
     * {@code ectstream.*} metadata (a file PyTorch wrote) the checkpoint is an ECT model at step 0.
     */
    public static WrittenCheckpoint importInto(
            Path safetensors, NetworkSpec network, String runId, JsonNode trainingConfig, Path target)
            throws SafetensorsException, CheckpointException, IOException {
        Safetensors.Contents contents = Safetensors.read(safetensors);
        Map<String, String> meta = contents.metadata();
        requireSameNetwork(safetensors, meta.get(KEY_NETWORK), network);
        Map<String, HostTensor> ours;
        try {
            ours = ReferenceLayout.of(new SongUNet(network)).fromReference(contents.tensors());
        } catch (SafetensorsException e) {
            throw new SafetensorsException(safetensors + ": " + e.getMessage(), e);
        }
        CheckpointMetadata metadata;
        try {
            metadata = new CheckpointMetadata(
                    runId,
                    Long.parseLong(meta.getOrDefault(KEY_STEP, "0")),
                    Long.parseLong(meta.getOrDefault(KEY_IMAGES_SEEN, "0")),
                    Phase.valueOf(meta.getOrDefault(KEY_PHASE, Phase.ECT.name())),
                    Integer.parseInt(meta.getOrDefault(KEY_ECT_STAGE, "0")),
                    network,
                    trainingConfig,
                    Map.of(),
                    Map.of(),
                    Instant.now());
        } catch (IllegalArgumentException e) {
            throw new SafetensorsException(safetensors + ": invalid ectstream metadata: " + e.getMessage(), e);
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            ours.forEach((name, tensor) -> arrays.put(name, tensor.toNDArray(manager)));
            return CheckpointWriter.write(target, metadata, Map.of(CheckpointFormat.GROUP_EMA, arrays));
        }
    }

    private static void requireSameNetwork(Path file, String recorded, NetworkSpec network)
            throws SafetensorsException {
        if (recorded == null) {
            return;
        }
        NetworkSpec fromFile;
        try {
            fromFile = JSON.readValue(recorded, NetworkSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SafetensorsException(file + ": unreadable " + KEY_NETWORK + " metadata: " + e.getMessage(), e);
        }
        if (!fromFile.equals(network)) {
            throw new SafetensorsException(
                    file + " was exported from network " + fromFile + ", the configuration has " + network);
        }
    }
}
