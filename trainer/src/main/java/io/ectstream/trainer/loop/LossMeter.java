package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Sums batch losses on the device, so a step never waits for a scalar; the mean is read back only when
 * someone reports it (a progress line, a checkpoint event).
 */
final class LossMeter {
    private final NDArray sum;
    private long count;

    LossMeter(NDManager manager) {
        this.sum = manager.zeros(new Shape(), DataType.FLOAT32);
    }

    void add(NDArray batchLoss) {
        sum.addi(batchLoss);
        count++;
    }

    /** Mean since the last call (reads one scalar from the device), then starts over; NaN when empty. */
    double takeMean() {
        if (count == 0) {
            return Double.NaN;
        }
        double mean = sum.getFloat() / (double) count;
        sum.set(new NDIndex("..."), 0f);
        count = 0;
        return mean;
    }
}
