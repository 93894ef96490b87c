package io.ectstream.sampler.generate;

import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One checkpoint loaded once per device: a forward pass takes a free copy, so the generator threads of one process
 * (one per device and {@code usersPerCopy}) share one batch queue and keep every device busy. The copies are one
 * model version, loaded and retired together.
 */
public final class ReplicatedGenerator implements ImageGenerator {
    private final List<ImageGenerator> copies;
    private final BlockingQueue<Integer> free;
    private final AtomicLongArray batches;

    /** @param usersPerCopy forward passes one copy may run at once (the generator threads per device) */
    public ReplicatedGenerator(List<ImageGenerator> copies, int usersPerCopy) {
        if (copies.isEmpty() || usersPerCopy < 1) {
            throw new IllegalArgumentException("need at least one copy and one user per copy");
        }
        this.copies = List.copyOf(copies);
        this.free = new ArrayBlockingQueue<>(copies.size() * usersPerCopy);
        for (int user = 0; user < usersPerCopy; user++) {
            for (int i = 0; i < copies.size(); i++) {
                free.add(i);
            }
        }
        this.batches = new AtomicLongArray(copies.size());
    }

    @Override
    public ImageShape shape() {
        return copies.get(0).shape();
    }

    @Override
    public byte[][] generate(long[] seeds, SamplerSettings settings) {
        int copy;
        try {
            copy = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free device", e);
        }
        try {
            batches.incrementAndGet(copy);
            return copies.get(copy).generate(seeds, settings);
        } finally {
            free.add(copy);
        }
    }

    /** Warms every copy, the devices at once (each times its own shapes); the sizes run, in device order. */
    @Override
    public List<Integer> warmUp(int maxBatchImages) {
        return copies.parallelStream()
                .flatMap(copy -> copy.warmUp(maxBatchImages).stream())
                .toList();
    }

    /** The copies, in device order. */
    public List<ImageGenerator> copies() {
        return copies;
    }

    /** Forward passes each copy ran, in device order. */
    public long[] batchesPerCopy() {
        long[] out = new long[copies.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = batches.get(i);
        }
        return out;
    }

    @Override
    public void close() {
        copies.forEach(ImageGenerator::close);
    }
}
