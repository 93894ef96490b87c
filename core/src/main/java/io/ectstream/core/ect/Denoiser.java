package io.ectstream.core.ect;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.ectstream.core.ect.Preconditioning.Coefficients;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.core.network.Scoped;
import io.ectstream.core.network.SongUNet;

/**
 * The denoiser D(x, sigma) = cSkip x + cOut F(cIn x, cNoise) of docs/ECT.md §2, F a {@link SongUNet}.
 *
 * <p>How the trainer uses it (one step, everything inside the step's sub-manager):
 * <pre>{@code
 * Denoiser denoiser = new Denoiser(net);              // net.initialize(...) done, parameters require grad
 * ParameterStore ps = new ParameterStore(manager, false);
 * // EDM pretraining (docs/ECT.md §4a)
 * NDArray d = denoiser.denoise(ps, x.add(n.mul(sigma4d)), sigma, true, Mode.TRAINING, new DropoutMasks());
 * // ECT tuning (docs/ECT.md §4b): one DropoutMasks per step, shared by the two passes
 * DropoutMasks masks = new DropoutMasks();
 * NDArray dT = denoiser.denoise(ps, xT, t, true, Mode.TRAINING, masks);            // inside GradientCollector
 * NDArray dR = denoiser.denoise(ps, xR, r, true, Mode.TRAINING, masks).stopGradient(); // same masks, no grad
 * // where r == 0 use x itself as the target (cNoise = ln 0 = -inf there), then replace non-finite values
 * }</pre>
 * Sampling passes {@code training = false}, {@link Mode#SAMPLING} and {@code masks = null} (no dropout).
 * The target's {@code stopGradient()} (or computing it outside the GradientCollector) is the caller's job.
 *
 * <p>sigma has shape [N] (one noise level per image) and lives on x's device; nothing is read back to
 * the host. Thread-safety: as the SongUNet (parameters are shared, forward allocates in x's manager).
 */
public final class Denoiser {
    private final SongUNet net;
    private final Preconditioning preconditioning;

    public Denoiser(SongUNet net) {
        this.net = net;
        this.preconditioning = new Preconditioning(net.spec().sigmaData());
    }

    public SongUNet network() {
        return net;
    }

    public Preconditioning preconditioning() {
        return preconditioning;
    }

    /**
     * @param x      noisy images [N, C, H, W]
     * @param sigma  noise level per image, [N] (or [N, 1, 1, 1]), > 0
     * @param training passed to the ParameterStore (true in training steps)
     * @param mode   TRAINING or SAMPLING preconditioning
     * @param masks  dropout masks to record or replay, null for no dropout
     * @return D(x, sigma) [N, C, H, W]
     */
    public NDArray denoise(
            ParameterStore ps, NDArray x, NDArray sigma, boolean training, Mode mode, DropoutMasks masks) {
        // float32 preconditioning whatever type the network computes in; the scope frees the coefficients
        return Scoped.keep(() -> {
            Coefficients c = preconditioning.coefficients(sigma, mode);
            NDArray f = net.forward(ps, x.mul(c.cIn()), c.cNoise(), training, masks);
            return x.mul(c.cSkip()).add(f.mul(c.cOut()));
        });
    }
}
