package io.ectstream.sampler.batch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which batch a free generator runs next: evaluation's turn first when {@link EvaluationShare} says so, then
 * full user batches in the order they filled, then {@link Batcher#next}. Pure logic with the time passed in.
 */
public final class DispatchOrder {
    private final Batcher batcher;
    private final EvaluationShare share;
    private final Deque<Batch> fullUserBatches = new ArrayDeque<>();

    public DispatchOrder(int maxBatchImages, long maxWaitMs, int userBatchesPerEvaluationBatch) {
        this.batcher = new Batcher(maxBatchImages, maxWaitMs);
        this.share = new EvaluationShare(userBatchesPerEvaluationBatch);
    }

    public void add(BatchKey key, Chunk chunk, long nowMs) {
        fullUserBatches.addAll(batcher.add(key, chunk, nowMs));
    }

    /** The batch to hand to a free generator now, if any; it counts as dispatched. */
    public Optional<Batch> next(long nowMs) {
        Optional<Batch> next = share.evaluationsTurn() ? batcher.nextEvaluation(nowMs) : Optional.empty();
        if (next.isEmpty()) {
            next = Optional.ofNullable(fullUserBatches.poll());
        }
        if (next.isEmpty()) {
            next = batcher.next(nowMs);
        }
        next.ifPresent(share::dispatched);
        return next;
    }

    /** When the next waiting queue falls due, if any chunk waits. */
    public OptionalLong nextDeadline() {
        return batcher.nextDeadline();
    }

    public int waitingImages() {
        return batcher.waitingImages()
                + fullUserBatches.stream().mapToInt(Batch::images).sum();
    }
}
