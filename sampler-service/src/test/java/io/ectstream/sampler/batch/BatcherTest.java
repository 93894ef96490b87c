package io.ectstream.sampler.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.validate.ValidRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static final BatchKey ONE_STEP = new BatchKey(null, SamplerSettings.ect(1));
    private static final BatchKey TWO_STEP = new BatchKey(null, SamplerSettings.ect(2));

    private static GenerationJob job(String id, int numImages, long seed, int maxBatch) {
        ValidRequest valid = new ValidRequest(
                Requests.request(id, "run", numImages, 1, seed).build(), SamplerSettings.ect(1), seed, "results");
        return new GenerationJob(valid, null, null, 0, Chunk.chunkCount(numImages, maxBatch));
    }

    @Test
    void largeRequestIsSplitIntoChunksWithIndexAndTotal() {
        GenerationJob job = job("big", 10, 7, 4);
        List<Chunk> chunks = Chunk.split(job, 10, 4);
        assertEquals(3, chunks.size());
        assertEquals(
                List.of(0, 4, 8), chunks.stream().map(Chunk::firstImageIndex).toList());
        assertEquals(List.of(4, 4, 2), chunks.stream().map(Chunk::count).toList());
        assertEquals(List.of(0, 1, 2), chunks.stream().map(Chunk::chunkIndex).toList());
        assertEquals(3, job.chunkCount());
        assertEquals(1, Chunk.chunkCount(4, 4));
        assertEquals(2, Chunk.chunkCount(5, 4));
    }

    @Test
    void chunkSeedsAreTheRequestsPerImageSeedsWhateverTheSplit() {
        GenerationJob job = job("r", 10, 12345L, 3);
        List<Chunk> chunks = Chunk.split(job, 10, 3);
        long[] joined = chunks.stream()
                .flatMapToLong(c -> java.util.Arrays.stream(c.seeds()))
                .toArray();
        long[] expected = new long[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = NoiseSeeds.forImage(12345L, i);
        }
        assertArrayEquals(expected, joined);
    }

    @Test
    void fullQueueIsCutAtOnceAndPartialOneWaitsForItsDeadline() {
        Batcher batcher = new Batcher(4, 50);
        assertTrue(batcher.add(ONE_STEP, Chunk.split(job("a", 3, 1, 4), 3, 4).get(0), 1000)
                .isEmpty());
        assertEquals(1050, batcher.nextDeadline().getAsLong());
        List<Batch> full =
                batcher.add(ONE_STEP, Chunk.split(job("b", 1, 2, 4), 1, 4).get(0), 1010);
        assertEquals(1, full.size());
        assertEquals(4, full.get(0).images());
        assertEquals(
                List.of("a", "b"),
                full.get(0).chunks().stream()
                        .map(c -> c.job().request().request().getRequestId())
                        .toList());
        assertTrue(batcher.nextDeadline().isEmpty());

        batcher.add(ONE_STEP, Chunk.split(job("c", 2, 3, 4), 2, 4).get(0), 2000);
        assertTrue(batcher.takeDue(2049).isEmpty(), "not due before max wait");
        List<Batch> due = batcher.takeDue(2050);
        assertEquals(1, due.size());
        assertEquals(2, due.get(0).images());
        assertEquals(0, batcher.waitingImages());
    }

    @Test
    void differentSettingsNeverShareABatch() {
        Batcher batcher = new Batcher(4, 10);
        batcher.add(ONE_STEP, Chunk.split(job("a", 2, 1, 4), 2, 4).get(0), 0);
        batcher.add(TWO_STEP, Chunk.split(job("b", 2, 2, 4), 2, 4).get(0), 0);
        List<Batch> due = batcher.takeDue(10);
        assertEquals(2, due.size());
        for (Batch batch : due) {
            assertEquals(1, batch.chunks().size());
            assertEquals(2, batch.images());
        }
    }

    @Test
    void batchesHoldWholeChunksAndNeverExceedTheMax() {
        Batcher batcher = new Batcher(5, 100);
        batcher.add(ONE_STEP, Chunk.split(job("a", 3, 1, 5), 3, 5).get(0), 0);
        List<Batch> cut =
                batcher.add(ONE_STEP, Chunk.split(job("b", 3, 2, 5), 3, 5).get(0), 0);
        assertEquals(1, cut.size(), "6 images waiting: one batch of the first chunk");
        assertEquals(3, cut.get(0).images());
        assertEquals(3, batcher.waitingImages());
        assertThrows(
                IllegalArgumentException.class,
                () -> batcher.add(ONE_STEP, Chunk.split(job("c", 6, 3, 6), 6, 6).get(0), 0));
    }

    @Test
    void batchSeedsConcatenateTheChunksInOrder() {
        Batcher batcher = new Batcher(4, 0);
        Chunk a = Chunk.split(job("a", 1, 11, 4), 1, 4).get(0);
        Chunk b = Chunk.split(job("b", 2, 22, 4), 2, 4).get(0);
        batcher.add(ONE_STEP, a, 0);
        batcher.add(ONE_STEP, b, 0);
        Batch batch = batcher.takeDue(0).get(0);
        assertArrayEquals(
                new long[] {NoiseSeeds.forImage(11, 0), NoiseSeeds.forImage(22, 0), NoiseSeeds.forImage(22, 1)},
                batch.seeds());
    }

    @Test
    void oldestDueQueueIsCutOneBatchAtATime() {
        Batcher batcher = new Batcher(4, 10);
        batcher.add(TWO_STEP, Chunk.split(job("late", 1, 1, 4), 1, 4).get(0), 5);
        batcher.add(ONE_STEP, Chunk.split(job("early", 2, 2, 4), 2, 4).get(0), 0);
        batcher.add(ONE_STEP, Chunk.split(job("early2", 1, 3, 4), 1, 4).get(0), 8);
        assertTrue(batcher.takeOldestDue(9).isEmpty(), "nothing has waited 10 ms yet");
        Batch first = batcher.takeOldestDue(10).orElseThrow();
        assertEquals(ONE_STEP, first.key());
        assertEquals(3, first.images(), "the whole queue, early chunk and the one that joined it");
        assertTrue(batcher.takeOldestDue(14).isEmpty());
        assertEquals(TWO_STEP, batcher.takeOldestDue(15).orElseThrow().key());
        assertTrue(batcher.takeOldestDue(100).isEmpty());
    }
}
