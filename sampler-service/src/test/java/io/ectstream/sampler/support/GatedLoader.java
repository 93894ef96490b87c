package io.ectstream.sampler.support;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Wraps a real loader: its generators pass a {@link Gate} before each forward pass (so a test can hold
 * batches in flight) and record batch sizes, their first seeds and whether they were closed. The images are the real model's.
 * Every forward pass of every generator is also logged in the order they reached the gate, with a clock's reading then.
 */
public final class GatedLoader implements ModelLoader {
    /** One forward pass: which checkpoint step, its first seed, its images, and the clock when it reached the gate. */
    public record Ran(long step, long firstSeed, int images, long clockMillis) {}

    private final ModelLoader real;
    private final Gate gate;
    private final LongSupplier clock;
    private final List<Recording> loaded = new CopyOnWriteArrayList<>();
    private final List<Ran> ran = new CopyOnWriteArrayList<>();

    public GatedLoader(ModelLoader real, Gate gate) {
        this(real, gate, System::currentTimeMillis);
    }

    public GatedLoader(ModelLoader real, Gate gate, LongSupplier clock) {
        this.real = real;
        this.gate = gate;
        this.clock = clock;
    }

    @Override
    public ImageGenerator load(Path file, CheckpointExpectation expected) throws CheckpointException {
        Recording generator =
                new Recording(real.load(file, expected), gate, expected.step() == null ? -1 : expected.step(), this);
        loaded.add(generator);
        return generator;
    }

    public List<Recording> loaded() {
        return loaded;
    }

    /** Every forward pass so far, in the order they reached the gate. */
    public List<Ran> ran() {
        return ran;
    }

    /** A real generator that records its batch sizes and first seeds (in the order it ran them) and passes the gate first. */
    public static final class Recording implements ImageGenerator {
        private final ImageGenerator delegate;
        private final Gate gate;
        private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        private final List<Long> firstSeeds = new CopyOnWriteArrayList<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final long step;
        private final GatedLoader log;

        Recording(ImageGenerator delegate, Gate gate, long step, GatedLoader log) {
            this.delegate = delegate;
            this.gate = gate;
            this.step = step;
            this.log = log;
        }

        @Override
        public ImageShape shape() {
            return delegate.shape();
        }

        @Override
        public byte[][] generate(long[] seeds, SamplerSettings settings) {
            log.ran.add(new Ran(step, seeds[0], seeds.length, log.clock.getAsLong()));
            gate.pass();
            if (closed.get()) {
                throw new IllegalStateException("forward pass on a closed model");
            }
            batchSizes.add(seeds.length);
            firstSeeds.add(seeds[0]);
            return delegate.generate(seeds, settings);
        }

        public List<Integer> batchSizes() {
            return batchSizes;
        }

        /** The first noise seed of every batch, in the order the batches ran. */
        public List<Long> firstSeeds() {
            return firstSeeds;
        }

        public int images() {
            return batchSizes.stream().mapToInt(Integer::intValue).sum();
        }

        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public void close() {
            closed.set(true);
            delegate.close();
        }
    }
}
