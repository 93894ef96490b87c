package io.ectstream.sampler;

/**
 * How requests become forward passes.
 *
 * @param maxBatchImages   most images one forward pass carries; also the chunk size of large requests
 * @param maxWaitMs        longest a partly filled batch waits for company before it runs
 * @param generatorThreads worker threads running forward passes
 * @param userBatchesPerEvaluationBatch evaluation's guaranteed share of the generators: after this many user
 *                         batches in a row, a waiting evaluation batch runs next (see {@link
 *                         io.ectstream.sampler.batch.EvaluationShare}); user traffic keeps priority otherwise
 */
public record Batching(int maxBatchImages, long maxWaitMs, int generatorThreads, int userBatchesPerEvaluationBatch) {

    public static final int DEFAULT_MAX_BATCH_IMAGES = 32;
    public static final long DEFAULT_MAX_WAIT_MS = 5;
    public static final int DEFAULT_GENERATOR_THREADS = 1;
    /** Evaluation gets at least one batch in five under full user load. */
    public static final int DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH = 4;

    public Batching {
        SamplerConfig.require(maxBatchImages >= 1, "max batch must be >= 1, not " + maxBatchImages);
        SamplerConfig.require(maxWaitMs >= 0, "max wait must be >= 0 ms, not " + maxWaitMs);
        SamplerConfig.require(generatorThreads >= 1, "generator threads must be >= 1, not " + generatorThreads);
        SamplerConfig.require(
                userBatchesPerEvaluationBatch >= 1,
                "user batches per evaluation batch must be >= 1, not " + userBatchesPerEvaluationBatch);
    }

    public static Batching defaults() {
        return new Batching(
                DEFAULT_MAX_BATCH_IMAGES,
                DEFAULT_MAX_WAIT_MS,
                DEFAULT_GENERATOR_THREADS,
                DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH);
    }

    /** Batches of at most {@code maxBatch} images that wait at most {@code waitMs} for company. */
    public Batching withSize(int maxBatch, long waitMs) {
        return new Batching(maxBatch, waitMs, generatorThreads, userBatchesPerEvaluationBatch);
    }

    /** Evaluation gets a batch after {@code userBatches} user batches in a row when both wait. */
    public Batching withUserBatchesPerEvaluationBatch(int userBatches) {
        return new Batching(maxBatchImages, maxWaitMs, generatorThreads, userBatches);
    }
}
