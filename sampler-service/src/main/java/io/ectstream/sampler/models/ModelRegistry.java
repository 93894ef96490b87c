package io.ectstream.sampler.models;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.ModelVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active model of every run. {@link #load} verifies and loads a checkpoint (blocking: call it on
 * a worker thread) and swaps it in atomically; {@link #acquire} hands a request a counted reference to
 * the model it will be served by, so a swap never pulls a model from under an in-flight batch.
 * A failed load throws and leaves the previous model active.
 * <p>
 * Each run keeps its {@code recentVersions} newest loaded checkpoints: the newest serves "latest", the superseded
 * ones serve requests naming their exact step (an evaluation that waited while training wrote newer checkpoints), and
 * an older checkpoint announced late joins them when it is newer than the oldest kept. A request naming a step whose
 * checkpoint was rejected is told so (CHECKPOINT_REJECTED, with the reason).
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** What a checkpoint event led to. */
    public enum LoadOutcome {
        LOADED,
        KEPT_AS_RECENT,
        SKIPPED_NOT_NEWER
    }

    /** Rejected steps remembered per run, for the answer to a request naming one. */
    private static final int REJECTED_REMEMBERED = 64;

    private final Path storeRoot;
    private final ModelLoader loader;
    private final int recentVersions;
    private final Map<String, AtomicReference<LoadedModel>> active = new ConcurrentHashMap<>();
    /** Guards superseded and rejected; never held while a checkpoint loads (acquire runs on event loops). */
    private final Object keptLock = new Object();
    /** Per run, the superseded models still kept, newest step first. */
    private final Map<String, List<LoadedModel>> superseded = new HashMap<>();
    /** Per run, rejected steps and why, oldest first. */
    private final Map<String, LinkedHashMap<Long, String>> rejected = new HashMap<>();

    private volatile boolean closed;

    /** A registry that keeps only each run's newest checkpoint. */
    public ModelRegistry(Path storeRoot, ModelLoader loader) {
        this(storeRoot, loader, 1);
    }

    /**
     * @param storeRoot      the checkpoint store events' URIs are resolved in ({@link CheckpointStore})
     * @param recentVersions checkpoints kept loaded per run (the newest and the ones it superseded), at least 1
     */
    public ModelRegistry(Path storeRoot, ModelLoader loader, int recentVersions) {
        if (recentVersions < 1) {
            throw new IllegalArgumentException("recent versions must be >= 1, not " + recentVersions);
        }
        this.storeRoot = storeRoot;
        this.loader = loader;
        this.recentVersions = recentVersions;
    }

    /** Checkpoints kept loaded per run (the newest and the ones it superseded). */
    public int recentVersions() {
        return recentVersions;
    }

    /** Verifies the checkpoint's place, size and SHA-256, loads it and makes it its run's active model. */
    public synchronized LoadOutcome load(CheckpointEvent event) throws CheckpointException {
        if (closed) {
            throw new CheckpointException("the registry is closed");
        }
        String runId = event.getRunId();
        if (event.getStep() < 0) {
            throw new CheckpointException("checkpoint step " + event.getStep() + " is negative");
        }
        LoadedModel current = current(runId);
        boolean newest = current == null || current.version().getStep() < event.getStep();
        if (!newest && !worthKeeping(runId, event.getStep(), current)) {
            log.info("checkpoint {}@{} skipped: {} is already active", runId, event.getStep(), current.describe());
            return LoadOutcome.SKIPPED_NOT_NEWER;
        }
        long started = System.nanoTime();
        LoadedModel loaded;
        try {
            loaded = loadModel(event);
        } catch (CheckpointException e) {
            remember(runId, event.getStep(), e.getMessage());
            throw e;
        }
        synchronized (keptLock) {
            rejected.getOrDefault(runId, new LinkedHashMap<>()).remove(event.getStep());
        }
        if (!newest) {
            keep(runId, loaded);
            log.info(
                    "model {} kept for requests naming its step (loaded in {} ms); {} is active",
                    loaded.describe(),
                    (System.nanoTime() - started) / 1_000_000,
                    current.describe());
            return LoadOutcome.KEPT_AS_RECENT;
        }
        LoadedModel previous =
                active.computeIfAbsent(runId, id -> new AtomicReference<>()).getAndSet(loaded);
        log.info(
                "model {} active (loaded in {} ms){}",
                loaded.describe(),
                (System.nanoTime() - started) / 1_000_000,
                previous == null ? "" : ", replacing " + previous.describe());
        if (previous != null) {
            keep(runId, previous);
        }
        return LoadOutcome.LOADED;
    }

    private LoadedModel loadModel(CheckpointEvent event) throws CheckpointException {
        Path file = CheckpointStore.existingFile(storeRoot, event.getCheckpointUri());
        CheckpointExpectation checked = new CheckpointExpectation(
                        event.getSha256(), event.getSizeBytes(), event.getNetwork(), event.getStep())
                .checkBytes(file);
        ImageGenerator generator;
        try {
            generator = loader.load(file, checked);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException("loading " + file + " failed: " + e, e);
        }
        ModelVersion version = new ModelVersion(event.getRunId(), event.getStep(), event.getPhase(), event.getSha256());
        return new LoadedModel(version, generator, System.currentTimeMillis());
    }

    /** Whether an older checkpoint than the active one should be loaded as a kept recent version. */
    private boolean worthKeeping(String runId, long step, LoadedModel current) {
        if (recentVersions == 1 || current.version().getStep() == step) {
            return false;
        }
        synchronized (keptLock) {
            List<LoadedModel> kept = superseded.getOrDefault(runId, List.of());
            if (kept.stream().anyMatch(m -> m.version().getStep() == step)) {
                return false;
            }
            return kept.size() < recentVersions - 1
                    || kept.get(kept.size() - 1).version().getStep() < step;
        }
    }

    /** Adds a superseded model to its run's kept ones (newest step first) and releases those beyond the limit. */
    private void keep(String runId, LoadedModel model) {
        List<LoadedModel> dropped = new ArrayList<>();
        synchronized (keptLock) {
            List<LoadedModel> kept = superseded.computeIfAbsent(runId, id -> new ArrayList<>());
            kept.add(model);
            kept.sort(Comparator.comparingLong((LoadedModel m) -> m.version().getStep())
                    .reversed());
            while (kept.size() > recentVersions - 1) {
                dropped.add(kept.remove(kept.size() - 1));
            }
        }
        dropped.forEach(LoadedModel::release);
    }

    private void remember(String runId, long step, String reason) {
        synchronized (keptLock) {
            LinkedHashMap<Long, String> steps = rejected.computeIfAbsent(runId, id -> new LinkedHashMap<>());
            steps.put(step, reason);
            var oldest = steps.keySet().iterator();
            while (steps.size() > REJECTED_REMEMBERED) {
                oldest.next();
                oldest.remove();
            }
        }
    }

    /**
     * A counted reference to the model the selector names; the caller must {@link LoadedModel#release()} it.
     * A selector with a step is served only by exactly that step.
     */
    public LoadedModel acquire(ModelSelector selector) throws UnknownModelException {
        AtomicReference<LoadedModel> slot = active.get(selector.getRunId());
        while (true) {
            LoadedModel model = slot == null ? null : slot.get();
            if (model == null) {
                throw new UnknownModelException("no model is loaded for run '" + selector.getRunId() + "'");
            }
            if (selector.getStep() != null
                    && selector.getStep() != model.version().getStep()) {
                return acquireKept(selector.getRunId(), selector.getStep(), model);
            }
            if (model.tryRetain()) {
                return model;
            }
            // Swapped out and fully released between get() and retain: read the slot again.
        }
    }

    private LoadedModel acquireKept(String runId, long step, LoadedModel active) throws UnknownModelException {
        String why;
        synchronized (keptLock) {
            for (LoadedModel model : superseded.getOrDefault(runId, List.of())) {
                if (model.version().getStep() == step && model.tryRetain()) {
                    return model;
                }
            }
            why = rejected.getOrDefault(runId, new LinkedHashMap<>()).get(step);
        }
        if (why != null) {
            throw new UnknownModelException(
                    ErrorCode.CHECKPOINT_REJECTED, "checkpoint " + runId + "@" + step + " was rejected: " + why);
        }
        String serving = "run '" + runId + "' serves step " + active.version().getStep() + " and keeps "
                + keptSteps(runId) + ", not the requested step " + step;
        if (step < active.version().getStep()) {
            throw new UnknownModelException(
                    ErrorCode.MODEL_NOT_KEPT, serving + " (superseded and no longer kept, or never loaded here)");
        }
        throw new UnknownModelException(serving + " (not loaded yet)");
    }

    /** Steps of the run's superseded models still kept, newest first. */
    public List<Long> keptSteps(String runId) {
        synchronized (keptLock) {
            return superseded.getOrDefault(runId, List.of()).stream()
                    .map(m -> m.version().getStep())
                    .toList();
        }
    }

    public LoadedModel current(String runId) {
        AtomicReference<LoadedModel> slot = active.get(runId);
        return slot == null ? null : slot.get();
    }

    public boolean hasModel() {
        return active.values().stream().anyMatch(slot -> slot.get() != null);
    }

    /** The active models, by run id. */
    public List<LoadedModel> activeModels() {
        List<LoadedModel> models = new ArrayList<>();
        active.values().forEach(slot -> {
            LoadedModel model = slot.get();
            if (model != null) {
                models.add(model);
            }
        });
        models.sort(Comparator.comparing(m -> m.version().getRunId()));
        return models;
    }

    /** Drops the registry's references; models still used by requests close when those finish. */
    @Override
    public synchronized void close() {
        closed = true;
        synchronized (keptLock) {
            superseded.values().forEach(kept -> kept.forEach(LoadedModel::release));
            superseded.clear();
        }
        active.values().forEach(slot -> {
            LoadedModel model = slot.getAndSet(null);
            if (model != null) {
                model.release();
            }
        });
    }
}
