package io.ectstream.sampler.batch;

import java.util.List;

/** Chunks of one key generated together in one forward pass (their seeds concatenated in order). */
public record Batch(BatchKey key, List<Chunk> chunks) {

    public int images() {
        return chunks.stream().mapToInt(Chunk::count).sum();
    }

    public long[] seeds() {
        long[] seeds = new long[images()];
        int at = 0;
        for (Chunk chunk : chunks) {
            long[] s = chunk.seeds();
            System.arraycopy(s, 0, seeds, at, s.length);
            at += s.length;
        }
        return seeds;
    }
}
