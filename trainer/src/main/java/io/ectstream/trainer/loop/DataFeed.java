package io.ectstream.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.ectstream.core.data.BatchOrder;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.sampling.ImageShape;

/**
 * Training batches in the seeded order: the batch at stream position p (images consumed so far) holds
 * the images the order puts at p, p + 1, ...; epoch e's order depends on (seed, e) only, so a resumed run
 * recomputes it from the images seen.
 */
public final class DataFeed {
    private final ImageDataset dataset;
    private final BatchOrder order;
    private final ImageShape shape;
    private float[] buffer = new float[0];

    public DataFeed(ImageDataset dataset, long seed) {
        this.dataset = dataset;
        this.order = new BatchOrder(seed, dataset.size());
        this.shape = dataset.shape();
    }

    public ImageDataset dataset() {
        return dataset;
    }

    /** The dataset indices of the batch starting at {@code position}. */
    public int[] indices(long position, int batchSize) {
        return order.batch(position, batchSize);
    }

    /** Images scaled to [-1, 1], [batch, C, H, W], copied to {@code manager}'s device in one transfer. */
    public NDArray batch(NDManager manager, long position, int batchSize) {
        int pixels = shape.pixels();
        int needed = batchSize * pixels;
        if (buffer.length != needed) {
            buffer = new float[needed];
        }
        int[] indices = indices(position, batchSize);
        for (int i = 0; i < indices.length; i++) {
            dataset.copyScaled(indices[i], buffer, i * pixels);
        }
        return manager.create(buffer, new Shape(batchSize, shape.channels(), shape.height(), shape.width()));
    }
}
