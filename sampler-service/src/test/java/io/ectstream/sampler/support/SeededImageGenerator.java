package io.ectstream.sampler.support;

import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test double for a loaded model: image i is a pure function of (salt, seeds[i], settings), like the
 * real generator promises, so batching can be checked without a network. Records batch sizes and
 * can be told to hold every batch until released (to have batches in flight on purpose).
 */
public final class SeededImageGenerator implements ImageGenerator {
    public static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    /** A salt that makes every forward pass throw. */
    public static final long BROKEN = 666;

    private final long salt;
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<Integer> warmUps = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Gate gate;

    public SeededImageGenerator(long salt, Gate gate) {
        this.salt = salt;
        this.gate = gate;
    }

    @Override
    public ImageShape shape() {
        return SHAPE;
    }

    /** Records the max batch it was warmed for; runs nothing (so {@link #batchSizes} stays the served batches). */
    @Override
    public List<Integer> warmUp(int maxBatchImages) {
        warmUps.add(maxBatchImages);
        return List.of();
    }

    /** The max batch of every warm-up, in order. */
    public List<Integer> warmUps() {
        return warmUps;
    }

    @Override
    public byte[][] generate(long[] seeds, SamplerSettings settings) {
        if (closed.get()) {
            throw new IllegalStateException("generate called on a closed model");
        }
        batchSizes.add(seeds.length);
        gate.pass();
        if (salt == BROKEN) {
            throw new IllegalStateException("this test model fails every forward pass");
        }
        byte[][] images = new byte[seeds.length][];
        for (int i = 0; i < seeds.length; i++) {
            images[i] = image(salt, seeds[i], settings);
        }
        return images;
    }

    public static byte[] image(long salt, long seed, SamplerSettings settings) {
        byte[] pixels = new byte[SHAPE.pixels()];
        long z = seed ^ (salt * 0x9E3779B97F4A7C15L) ^ settings.steps() ^ Double.doubleToLongBits(settings.tMid());
        for (int j = 0; j < pixels.length; j++) {
            z += 0x9E3779B97F4A7C15L;
            long x = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            pixels[j] = (byte) (x >>> 56);
        }
        return pixels;
    }

    public List<Integer> batchSizes() {
        return batchSizes;
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
