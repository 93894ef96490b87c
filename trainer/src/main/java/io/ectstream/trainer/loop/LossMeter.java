package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Sums batch losses on the device, so a step never waits for a scalar; the mean is read back only when
 * someone reports it (a progress line, a checkpoint event). A non-finite batch loss is counted, not summed:
 * its gradients were zeroed by the gradient guard (as in the reference ECT code), so the step did no harm.
 */
final class LossMeter {
    /** Mean of the finite batch losses since the previous reading, over {@code steps} steps of which {@code nonFinite} were not. */
    record Reading(double mean, long steps, long nonFinite) {
        boolean allNonFinite() {
            return steps > 0 && nonFinite == steps;
        }
    }

    private final NDArray sum;
    private final NDArray nonFinite;
    private long count;

    LossMeter(NDManager manager) {
        this.sum = manager.zeros(new Shape(), DataType.FLOAT32);
        this.nonFinite = manager.zeros(new Shape(), DataType.FLOAT32);
    }

    void add(NDArray batchLoss) {
        try (NDManager scratch = sum.getManager().newSubManager()) {
            batchLoss.tempAttach(scratch);
            NDArray finite = batchLoss.isNaN().logicalOr(batchLoss.isInfinite()).logicalNot();
            sum.addi(NDArrays.where(finite, batchLoss, batchLoss.zerosLike()));
            nonFinite.addi(finite.logicalNot().toType(DataType.FLOAT32, false));
        }
        count++;
    }

    /** The reading since the last call (reads two scalars from the device), then starts over; mean NaN when no step was finite. */
    Reading take() {
        long bad;
        double mean;
        try (NDManager scratch = sum.getManager().newSubManager()) {
            sum.tempAttach(scratch);
            nonFinite.tempAttach(scratch);
            bad = count == 0 ? 0 : (long) nonFinite.getFloat();
            mean = count - bad == 0 ? Double.NaN : sum.getFloat() / (double) (count - bad);
            sum.set(new NDIndex("..."), 0f);
            nonFinite.set(new NDIndex("..."), 0f);
        }
        Reading reading = new Reading(mean, count, bad);
        count = 0;
        return reading;
    }
}
