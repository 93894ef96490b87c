package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.core.checkpoint.CheckpointEvents;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.config.TrainingConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training side of the checkpoint store: writes student, EMA and optimizer state with everything needed
 * to resume (step, images seen, phase, stage, the full configuration, seeds) through core's atomic writer,
 * and finds the newest readable checkpoint of a run.
 */
public final class TrainingCheckpoints {
    static final String GROUP_OPTIM = "optim";
    static final String SCALAR_OPTIM_STEPS = "optim.t";
    static final String SCALAR_PHASE_START_STEP = "phase.startStep";
    /** Gradient values the guard replaced since the run began, and the steps that had any. */
    public static final String SCALAR_NON_FINITE_GRADIENT_VALUES = "gradients.nonFiniteValues";

    public static final String SCALAR_NON_FINITE_GRADIENT_STEPS = "gradients.nonFiniteSteps";
    static final String SEED_RUN = "run";
    /** 1 when the run trained on a GPU with TF32 allowed ({@code --tf32}), 0 in full float32 (CPU, or TF32 off). */
    public static final String SCALAR_TF32 = "numerics.tf32";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingCheckpoints.class);

    private final Path root;
    private final String runId;
    private final boolean tf32;

    public TrainingCheckpoints(Path root, String runId) {
        this(root, runId, false);
    }

    /** @param tf32 whether the checkpoints written are trained with TF32 allowed ({@link #SCALAR_TF32}) */
    public TrainingCheckpoints(Path root, String runId, boolean tf32) {
        this.root = root;
        this.runId = runId;
        this.tf32 = tf32;
    }

    public Path root() {
        return root;
    }

    public String relativeUri(long step) {
        return CheckpointStore.relativeUri(runId, step);
    }

    /** What a checkpoint records about the loop besides the tensors. */
    public record Position(long step, long imagesSeen, Phase phase, int stage, long phaseStartStep) {}

    public WrittenCheckpoint write(TrainingModel model, TrainingConfig config, Position at) throws IOException {
        return write(model, config, at, Double.NaN, NonFiniteGradients.Totals.NONE);
    }

    /**
     * {@code trainingLoss}: the mean loss since the previous checkpoint, stored in the header when finite;
     * {@code nonFinite}: the gradient guard's totals since the run began.
     */
    WrittenCheckpoint write(
            TrainingModel model,
            TrainingConfig config,
            Position at,
            double trainingLoss,
            NonFiniteGradients.Totals nonFinite)
            throws IOException {
        Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
        try (NDManager scratch = model.manager().newSubManager()) {
            groups.put(CheckpointFormat.GROUP_STUDENT, model.studentTensors());
            groups.put(CheckpointFormat.GROUP_EMA, model.emaTensors(scratch));
            groups.put(GROUP_OPTIM, new LinkedHashMap<>(model.optimizer().state()));
            requireFinite(groups, at.step());
            CheckpointMetadata metadata = new CheckpointMetadata(
                    runId,
                    at.step(),
                    at.imagesSeen(),
                    at.phase(),
                    at.stage(),
                    config.networkFor(at.phase()),
                    TrainingConfigLoader.toTree(config),
                    Map.of(SEED_RUN, config.seed()),
                    scalars(model, at, trainingLoss, nonFinite, tf32),
                    Instant.now());
            return CheckpointWriter.write(CheckpointStore.fileFor(root, runId, at.step()), metadata, groups);
        }
    }

    private static Map<String, Double> scalars(
            TrainingModel model, Position at, double trainingLoss, NonFiniteGradients.Totals nonFinite, boolean tf32) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        scalars.put(SCALAR_OPTIM_STEPS, (double) model.optimizer().steps());
        scalars.put(SCALAR_PHASE_START_STEP, (double) at.phaseStartStep());
        scalars.put(SCALAR_NON_FINITE_GRADIENT_VALUES, (double) nonFinite.values());
        scalars.put(SCALAR_NON_FINITE_GRADIENT_STEPS, (double) nonFinite.steps());
        scalars.put(SCALAR_TF32, tf32 ? 1.0 : 0.0);
        if (Double.isFinite(trainingLoss)) { // JSON has no NaN
            scalars.put(CheckpointEvents.SCALAR_TRAINING_LOSS, trainingLoss);
        }
        return scalars;
    }

    /**
     * A diverged run must not reach the sampler: one scalar per tensor is read back, only at checkpoint time.
     */
    private static void requireFinite(Map<String, Map<String, NDArray>> groups, long step)
            throws NonFiniteWeightsException {
        for (String group : List.of(CheckpointFormat.GROUP_STUDENT, CheckpointFormat.GROUP_EMA)) {
            for (Map.Entry<String, NDArray> tensor : groups.get(group).entrySet()) {
                NDArray a = tensor.getValue();
                if (a.isNaN().any().getBoolean() || a.isInfinite().any().getBoolean()) {
                    throw new NonFiniteWeightsException(
                            "training diverged: the " + group + " weight " + tensor.getKey()
                                    + " holds NaN or infinite values at step " + step
                                    + "; this checkpoint is not written or announced."
                                    + " Resume from the newest good checkpoint with a lower learning rate (--set <phase>.optimizer.lr=...)");
                }
            }
        }
    }

    /** The newest checkpoint of the run that reads and verifies; a broken one is skipped with a warning. */
    public Optional<LoadedCheckpoint> newest() throws IOException {
        for (Path file : newestFirst()) {
            try {
                return Optional.of(CheckpointReader.read(file, null, null));
            } catch (CheckpointException e) {
                LOG.warn("skipping unreadable checkpoint {}: {}", file, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The checkpoint files of the run, highest step first. */
    public List<Path> newestFirst() throws IOException {
        List<Path> files = new ArrayList<>(CheckpointStore.stepFiles(root, runId));
        files.sort(Comparator.comparingLong(CheckpointStore::stepOf).reversed());
        return files;
    }

    /** Restores student, EMA and optimizer from a checkpoint and tells where the loop stood. */
    public static Position restore(TrainingModel model, LoadedCheckpoint checkpoint) throws CheckpointException {
        CheckpointMetadata meta = checkpoint.metadata();
        model.loadStudent(checkpoint.group(CheckpointFormat.GROUP_STUDENT));
        model.loadEma(checkpoint.group(CheckpointFormat.GROUP_EMA));
        Map<String, HostTensor> optim = checkpoint.group(GROUP_OPTIM);
        Double optimSteps = meta.scalars().get(SCALAR_OPTIM_STEPS);
        Double phaseStart = meta.scalars().get(SCALAR_PHASE_START_STEP);
        if (optimSteps == null || phaseStart == null) {
            throw new CheckpointException("checkpoint lacks the scalars " + SCALAR_OPTIM_STEPS + " and "
                    + SCALAR_PHASE_START_STEP + " needed to resume");
        }
        try (NDManager scratch = model.manager().newSubManager()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            optim.forEach((name, tensor) -> state.put(name, tensor.toNDArray(scratch)));
            model.optimizer().restore(state, optimSteps.longValue());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint optimizer state does not fit: " + e.getMessage(), e);
        }
        return new Position(meta.step(), meta.imagesSeen(), meta.phase(), meta.ectStage(), phaseStart.longValue());
    }

    /** The configuration a checkpoint was trained with. */
    /** The guard's totals a checkpoint recorded (none for checkpoints written before they were recorded). */
    static NonFiniteGradients.Totals nonFiniteTotals(CheckpointMetadata metadata) {
        Map<String, Double> scalars = metadata.scalars();
        return new NonFiniteGradients.Totals(
                scalars.getOrDefault(SCALAR_NON_FINITE_GRADIENT_VALUES, 0.0).longValue(),
                scalars.getOrDefault(SCALAR_NON_FINITE_GRADIENT_STEPS, 0.0).longValue());
    }

    public static TrainingConfig configOf(CheckpointMetadata metadata) {
        JsonNode tree = metadata.trainingConfig();
        return TrainingConfigLoader.fromTree(tree);
    }
}
