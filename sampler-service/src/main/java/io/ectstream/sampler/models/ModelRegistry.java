package io.ectstream.sampler.models;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.ModelVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    /** What a checkpoint event led to. */
    public enum LoadOutcome { LOADED, SKIPPED_NOT_NEWER }

    private final Path storeRoot;
    private final ModelLoader loader;
    private final Map<String, AtomicReference<LoadedModel>> active = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** {@code storeRoot}: the checkpoint store events' URIs are resolved in ({@link CheckpointStore}). */
    public ModelRegistry(Path storeRoot, ModelLoader loader) {
        this.storeRoot = storeRoot;
        this.loader = loader;
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
        if (current != null && current.version().getStep() >= event.getStep()) {
            log.info("checkpoint {}@{} skipped: {} is already active", runId, event.getStep(), current.describe());
            return LoadOutcome.SKIPPED_NOT_NEWER;
        }
        long started = System.nanoTime();
        Path file = CheckpointStore.existingFile(storeRoot, event.getCheckpointUri());
        CheckpointExpectation checked = new CheckpointExpectation(event.getSha256(), event.getSizeBytes(),
            event.getNetwork(), event.getStep()).checkBytes(file);
        ImageGenerator generator;
        try {
            generator = loader.load(file, checked);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException("loading " + file + " failed: " + e, e);
        }
        ModelVersion version = new ModelVersion(runId, event.getStep(), event.getPhase(), event.getSha256());
        LoadedModel loaded = new LoadedModel(version, generator, System.currentTimeMillis());
        LoadedModel previous = active.computeIfAbsent(runId, id -> new AtomicReference<>()).getAndSet(loaded);
        log.info("model {} active (loaded in {} ms){}", loaded.describe(), (System.nanoTime() - started) / 1_000_000,
            previous == null ? "" : ", replacing " + previous.describe());
        if (previous != null) {
            previous.release();
        }
        return LoadOutcome.LOADED;
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
            if (selector.getStep() != null && selector.getStep() != model.version().getStep()) {
                throw new UnknownModelException("run '" + selector.getRunId() + "' serves step "
                    + model.version().getStep() + ", not the requested step " + selector.getStep());
            }
            if (model.tryRetain()) {
                return model;
            }
            // Swapped out and fully released between get() and retain: read the slot again.
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
        active.values().forEach(slot -> {
            LoadedModel model = slot.getAndSet(null);
            if (model != null) {
                model.release();
            }
        });
    }
}
