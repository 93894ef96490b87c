package io.ectstream.core.sampling;

/** A loaded model (its EMA weights, sampling-mode preconditioning) that turns seeds into images. */
public interface ImageGenerator extends AutoCloseable {

    ImageShape shape();

    /**
     * Generates one uint8 image (CHW, row-major, clamp(x * 127.5 + 128, 0, 255) truncated) per seed.
     * Image i depends only on seeds[i], the settings and the weights, never on the other images of the
     * batch, so a request gives the same bytes however it was batched.
     */
    byte[][] generate(long[] seeds, SamplerSettings settings);

    /**
     * Runs the network once at every batch shape that batches of 1 to {@code maxBatchImages} images use, so that costs
     * paid once per shape (cuDNN's algorithm timing in benchmark mode, about a second per new shape on a GPU) are paid
     * while the model loads instead of by the requests of a batch of a size not seen before.
     *
     * @return the batch sizes run, in order (none where no shape costs anything the first time)
     */
    default java.util.List<Integer> warmUp(int maxBatchImages) {
        return java.util.List.of();
    }

    @Override
    void close();
}
