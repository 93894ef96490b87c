package io.ectstream.sampler.batch;

import io.ectstream.core.sampling.NoiseSeeds;
import java.util.ArrayList;
import java.util.List;

/** Images [firstImageIndex, firstImageIndex + count) of one request: the unit a batch carries. */
public record Chunk(GenerationJob job, int chunkIndex, int firstImageIndex, int count) {

    /** Image i of the request always gets NoiseSeeds.forImage(seed, i), whichever batch carries it. */
    public long[] seeds() {
        return NoiseSeeds.forImages(job.request().seed(), firstImageIndex, count);
    }

    /** Splits a request of n images into chunks of at most {@code maxImages}. */
    public static List<Chunk> split(GenerationJob job, int numImages, int maxImages) {
        List<Chunk> chunks = new ArrayList<>();
        int total = chunkCount(numImages, maxImages);
        for (int i = 0; i < total; i++) {
            int first = i * maxImages;
            chunks.add(new Chunk(job, i, first, Math.min(maxImages, numImages - first)));
        }
        return chunks;
    }

    public static int chunkCount(int numImages, int maxImages) {
        return (numImages + maxImages - 1) / maxImages;
    }
}
