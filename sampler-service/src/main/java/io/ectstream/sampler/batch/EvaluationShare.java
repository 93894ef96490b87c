package io.ectstream.sampler.batch;

/**
 * Evaluation's guaranteed share of the generators. User traffic has priority, but under saturating user
 * load strict priority would never run an evaluation batch, and a model's FID would stop updating exactly
 * when the service is busiest. So after {@code userBatchesPerEvaluationBatch} user batches in a row, a
 * waiting evaluation batch goes next: evaluation gets at least 1 / (n + 1) of the batches when both wait,
 * and a user batch waits behind at most one evaluation batch per n user batches.
 */
public final class EvaluationShare {
    private final int userBatchesPerEvaluationBatch;
    private int userBatchesInARow;

    public EvaluationShare(int userBatchesPerEvaluationBatch) {
        if (userBatchesPerEvaluationBatch < 1) {
            throw new IllegalArgumentException(
                    "user batches per evaluation batch must be >= 1, not " + userBatchesPerEvaluationBatch);
        }
        this.userBatchesPerEvaluationBatch = userBatchesPerEvaluationBatch;
    }

    /** Whether a waiting evaluation batch should take the next free generator ahead of user batches. */
    public boolean evaluationsTurn() {
        return userBatchesInARow >= userBatchesPerEvaluationBatch;
    }

    /** Records a batch handed to a generator. */
    public void dispatched(Batch batch) {
        userBatchesInARow = batch.key().evaluation() ? 0 : userBatchesInARow + 1;
    }
}
