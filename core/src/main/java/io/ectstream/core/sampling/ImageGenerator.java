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

    @Override
    void close();
}
