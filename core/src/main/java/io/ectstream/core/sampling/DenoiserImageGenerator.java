package io.ectstream.core.sampling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.device.GradMode;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.SongUNet;
import io.ectstream.schemas.SamplerKind;

/**
 * An {@link ImageGenerator} over a loaded network (normally its EMA weights). Owns {@code manager}
 * (the network's parameters live in it) and closes it. Calls are serialised; each generation works
 * in its own sub-manager. Heun uses the TRAINING-form preconditioning (the EDM teacher's own).
 *
 * <p>Batch invariance: CPU convolution and GEMM kernels (oneDNN/MKL, and cuDNN on GPU) pick their
 * algorithm by batch size, so an image computed inside a batch can differ in the last float bits from the
 * same image computed alone, which occasionally flips a uint8 value. In batch-invariant mode (the default,
 * what {@link ImageGenerator} promises) every image runs through the network on its own; the batched
 * mode runs the whole request at once, faster, at the price of that rare +-1. On a GPU the batched mode pads each
 * batch to one of a few sizes ({@link BatchBuckets}) so that cuDNN times its algorithms for few shapes.
 *
 * <p>Generation records no autograd graph (whatever the thread's mode or the weights' flag), and the
 * network frees its activations as it goes, so a generation's memory is the network's working set, not
 * the sum of its intermediates.
 */
public final class DenoiserImageGenerator implements ImageGenerator {
    private final NDManager manager;
    private final Denoiser denoiser;
    private final ImageShape shape;

    private final boolean batchInvariant;
    private final boolean padToBuckets;

    public DenoiserImageGenerator(NDManager manager, SongUNet net) {
        this(manager, net, true);
    }

    /** Batched mode pads to {@link BatchBuckets} on a GPU only: on the CPU there is no per-shape timing to save. */
    public DenoiserImageGenerator(NDManager manager, SongUNet net, boolean batchInvariant) {
        this(manager, net, batchInvariant, manager.getDevice().isGpu());
    }

    public DenoiserImageGenerator(NDManager manager, SongUNet net, boolean batchInvariant, boolean padToBuckets) {
        this.manager = manager;
        this.batchInvariant = batchInvariant;
        this.padToBuckets = padToBuckets;
        this.denoiser = new Denoiser(net);
        NetworkSpec spec = net.spec();
        this.shape = new ImageShape(spec.outChannels(), spec.imgResolution(), spec.imgResolution());
    }

    public Device device() {
        return manager.getDevice();
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    @Override
    public ImageShape shape() {
        return shape;
    }

    @Override
    public synchronized byte[][] generate(long[] seeds, SamplerSettings settings) {
        if (seeds == null || settings == null) {
            throw new IllegalArgumentException("seeds and sampler settings are required");
        }
        if (!batchInvariant) {
            if (!padToBuckets || seeds.length == 0) {
                return generateBatch(seeds, settings);
            }
            return java.util.Arrays.copyOf(generateBatch(BatchBuckets.pad(seeds), settings), seeds.length);
        }
        byte[][] images = new byte[seeds.length][];
        for (int i = 0; i < seeds.length; i++) {
            images[i] = generateBatch(new long[] {seeds[i]}, settings)[0];
        }
        return images;
    }

    /** On a GPU: batch-invariant mode runs batches of one image, batched mode the {@link BatchBuckets} sizes. */
    @Override
    public synchronized java.util.List<Integer> warmUp(int maxBatchImages) {
        if (!padToBuckets) {
            return java.util.List.of();
        }
        java.util.List<Integer> sizes = batchInvariant ? java.util.List.of(1) : BatchBuckets.sizesUpTo(maxBatchImages);
        for (int size : sizes) {
            generateBatch(NoiseSeeds.forImages(0, 0, size), SamplerSettings.ect(1));
        }
        return sizes;
    }

    private byte[][] generateBatch(long[] seeds, SamplerSettings settings) {
        if (seeds.length == 0) {
            return new byte[0][];
        }
        try (NDManager step = manager.newSubManager();
                GradMode off = GradMode.disabled()) {
            ParameterStore ps = new ParameterStore(step, false);
            ImageShape inShape = new ImageShape(denoiser.network().spec().inChannels(), shape.height(), shape.width());
            NDArray x;
            if (settings.kind() == SamplerKind.ECT) {
                NDArray[] noise = GaussianNoise.draws(step, seeds, inShape, settings.steps());
                x = ConsistencySampler.sample(
                        ps,
                        denoiser,
                        noise[0],
                        settings.steps() == 2 ? noise[1] : null,
                        settings.steps(),
                        settings.tMid());
            } else {
                NDArray[] noise = GaussianNoise.draws(step, seeds, inShape, 1);
                x = HeunSampler.sample(ps, denoiser, noise[0], settings.steps(), Mode.TRAINING);
            }
            return Quantize.toUint8(x);
        }
    }

    @Override
    public synchronized void close() {
        manager.close();
    }
}
