package io.ectstream.core.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;

/**
 * EDM's deterministic Heun sampler (S_churn = 0) for teachers: sigma_i = (sigmaMax^(1/rho) + i/(steps-1)
 * (sigmaMin^(1/rho) - sigmaMax^(1/rho)))^rho for i < steps, then 0; an Euler step with a second-order
 * correction except on the last step (2 * steps - 1 evaluations, 35 for 18 steps). The schedule is
 * computed on the host in float64; the images stay on the device (float32).
 */
public final class HeunSampler {
    public static final double SIGMA_MIN = 0.002;
    public static final double RHO = 7.0;

    private HeunSampler() {}

    /** steps + 1 noise levels, the last one 0. */
    public static double[] sigmaSchedule(int steps, double sigmaMin, double sigmaMax, double rho) {
        if (steps < 1) {
            throw new IllegalArgumentException("Heun sampling needs at least 1 step, not " + steps);
        }
        double[] sigmas = new double[steps + 1];
        double maxRoot = Math.pow(sigmaMax, 1 / rho);
        double minRoot = Math.pow(sigmaMin, 1 / rho);
        for (int i = 0; i < steps; i++) {
            double frac = steps == 1 ? 0 : (double) i / (steps - 1);
            sigmas[i] = Math.pow(maxRoot + frac * (minRoot - maxRoot), rho);
        }
        sigmas[steps] = 0;
        return sigmas;
    }

    /**
     * @param mode TRAINING for an EDM teacher (the preconditioning it was trained with); SAMPLING applies
     *             the ECT shift
     */
    public static NDArray sample(ParameterStore ps, Denoiser denoiser, NDArray z, int steps, Mode mode) {
        double[] sigmas = sigmaSchedule(steps, SIGMA_MIN, SamplerSettings.SIGMA_MAX, RHO);
        long n = z.getShape().get(0);
        NDManager outer = z.getManager();
        NDArray x = z.mul((float) sigmas[0]);
        for (int i = 0; i < steps; i++) {
            // Each iteration's activations are freed before the next: 35 network evaluations of a large batch
            // held at once run out of memory (a batch of 250 28x28 images took 17 GB).
            try (NDManager iteration = outer.newSubManager()) {
                x.tempAttach(iteration);
                double tCur = sigmas[i];
                double tNext = sigmas[i + 1];
                NDArray denoised = denoiser.denoise(ps, x, level(x, n, tCur), false, mode, null);
                NDArray dCur = x.sub(denoised).div((float) tCur);
                NDArray xNext = x.add(dCur.mul((float) (tNext - tCur)));
                if (i < steps - 1) {
                    NDArray denoisedNext = denoiser.denoise(ps, xNext, level(x, n, tNext), false, mode, null);
                    NDArray dPrime = xNext.sub(denoisedNext).div((float) tNext);
                    xNext = x.add(dCur.add(dPrime).mul((float) (0.5 * (tNext - tCur))));
                }
                xNext.attach(outer);
                x = xNext;
            }
        }
        return x;
    }

    private static NDArray level(NDArray like, long n, double sigma) {
        return like.getManager().full(new Shape(n), (float) sigma);
    }
}
