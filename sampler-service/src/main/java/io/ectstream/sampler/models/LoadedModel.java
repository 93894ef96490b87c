package io.ectstream.sampler.models;

import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.ModelVersion;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded checkpoint with a reference count: the registry holds one reference while the model is
 * active, and every accepted request holds one until its last chunk is answered. The generator is
 * closed when the count reaches zero, so a swapped-out model finishes its in-flight batches first.
 */
public final class LoadedModel {
    private static final Logger log = LoggerFactory.getLogger(LoadedModel.class);

    private final ModelVersion version;
    private final ImageGenerator generator;
    private final long loadedAtMillis;
    private final AtomicInteger references = new AtomicInteger(1);

    LoadedModel(ModelVersion version, ImageGenerator generator, long loadedAtMillis) {
        this.version = version;
        this.generator = generator;
        this.loadedAtMillis = loadedAtMillis;
    }

    public ModelVersion version() {
        return version;
    }

    public ImageGenerator generator() {
        return generator;
    }

    public ImageShape shape() {
        return generator.shape();
    }

    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    /** References held right now (the registry's own, while active, plus one per unfinished request). */
    public int references() {
        return references.get();
    }

    public boolean isClosed() {
        return references.get() == 0;
    }

    /** Takes a reference unless the model was already released for good; false means "look again". */
    boolean tryRetain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the generator. */
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            log.info("model {}@{} retired: generator closed", version.getRunId(), version.getStep());
            generator.close();
        } else if (left < 0) {
            throw new IllegalStateException("model " + describe() + " released more often than retained");
        }
    }

    public String describe() {
        return version.getRunId() + "@" + version.getStep();
    }
}
