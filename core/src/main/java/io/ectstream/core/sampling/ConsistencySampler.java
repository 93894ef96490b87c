package io.ectstream.core.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.Scoped;

/**
 * ECT's 1- and 2-step sampling (docs/ECT.md §5), sampling-form preconditioning, no dropout:
 * 1 step: D(sigmaMax z, sigmaMax); 2 steps: x0 = D(sigmaMax z, sigmaMax), D(x0 + tMid z', tMid).
 */
public final class ConsistencySampler {
    private ConsistencySampler() {}

    /** @param z [N, C, H, W] noise; @param zMid second-step noise (required when steps == 2) */
    public static NDArray sample(
            ParameterStore ps, Denoiser denoiser, NDArray z, NDArray zMid, int steps, double tMid) {
        if (steps != 1 && steps != 2) {
            throw new IllegalArgumentException("ECT sampling takes 1 or 2 steps, not " + steps);
        }
        long n = z.getShape().get(0);
        NDArray x = Scoped.keep(() -> {
            float sigmaMax = (float) SamplerSettings.SIGMA_MAX;
            NDArray sigmas = z.getManager().full(new ai.djl.ndarray.types.Shape(n), sigmaMax);
            return denoiser.denoise(ps, z.mul(sigmaMax), sigmas, false, Mode.SAMPLING, null);
        });
        if (steps == 2) {
            if (zMid == null) {
                throw new IllegalArgumentException("2-step sampling needs the second noise draw");
            }
            NDArray x0 = x;
            x = Scoped.keep(() -> {
                NDArray t = z.getManager().full(new ai.djl.ndarray.types.Shape(n), (float) tMid);
                return denoiser.denoise(ps, x0.add(zMid.mul((float) tMid)), t, false, Mode.SAMPLING, null);
            });
            x0.close();
        }
        return x;
    }
}
