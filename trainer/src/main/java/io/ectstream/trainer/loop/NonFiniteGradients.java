package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gradient guard replaced over a run: values, steps that had any, and the current stretch of consecutive
 * such steps. Each step's count stays on the device until a progress line or a checkpoint reads them all at once
 * ({@link #read}); the totals continue across a resume ({@link #resumeFrom}).
 */
final class NonFiniteGradients {
    /** Run totals: gradient values replaced, and steps with at least one. */
    record Totals(long values, long steps) {
        static final Totals NONE = new Totals(0, 0);
    }

    private final int maxConsecutiveSteps;
    private final List<NDArray> pending = new ArrayList<>();
    private long lastPendingStep;
    private volatile Totals totals = Totals.NONE;
    private int consecutive;

    /** @param maxConsecutiveSteps {@link #read} stops the run once more consecutive steps than this had any */
    NonFiniteGradients(int maxConsecutiveSteps) {
        this.maxConsecutiveSteps = maxConsecutiveSteps;
    }

    void resumeFrom(Totals stored) {
        totals = stored;
    }

    /** Keeps step {@code step}'s count (a 0-d INT64 array; this meter closes it once read). */
    void add(long step, NDArray replaced) {
        pending.add(replaced);
        lastPendingStep = step;
    }

    /**
     * Reads the pending counts (one read from the device) into the totals.
     *
     * @throws NonFiniteGradientsException when more than {@code maxConsecutiveSteps} steps in a row had non-finite
     *     gradients
     */
    Totals read() throws NonFiniteGradientsException {
        if (pending.isEmpty()) {
            return totals;
        }
        long[] perStep;
        try (NDArray stacked = NDArrays.stack(new NDList(pending))) {
            perStep = stacked.toLongArray();
        }
        pending.forEach(NDArray::close);
        pending.clear();
        long values = totals.values();
        long steps = totals.steps();
        for (long replaced : perStep) {
            values += replaced;
            steps += replaced > 0 ? 1 : 0;
            consecutive = replaced > 0 ? consecutive + 1 : 0;
        }
        totals = new Totals(values, steps);
        if (consecutive > maxConsecutiveSteps) {
            throw new NonFiniteGradientsException("training stopped at step " + lastPendingStep + ": the gradients held"
                    + " NaN or infinite values in each of the last " + consecutive + " steps (limit"
                    + " nonFiniteGradients.maxConsecutiveSteps=" + maxConsecutiveSteps + "; " + values
                    + " values replaced so far). Resume from the newest checkpoint with a lower learning rate"
                    + " (--set <phase>.optimizer.lr=...), or raise the limit");
        }
        return totals;
    }

    /** The totals as of the last {@link #read} (any thread: /metrics reads it). */
    Totals totals() {
        return totals;
    }
}
