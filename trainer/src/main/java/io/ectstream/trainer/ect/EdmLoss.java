package io.ectstream.trainer.ect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * EDM's denoising loss for diffusion pretraining (docs/ECT.md §4a): sigma = exp(N(pMean, pStd)), n ~ N(0, I),
 * loss_i = lambda(sigma) ||D(x + sigma n, sigma) - x||^2 with lambda = (sigma^2 + sigmaData^2) / (sigma sigmaData)^2.
 */
public final class EdmLoss {
    private final double pMean;
    private final double pStd;
    private final double sigmaData;

    public EdmLoss(double pMean, double pStd, double sigmaData) {
        if (!(pStd > 0) || !Double.isFinite(pMean) || !(sigmaData > 0)) {
            throw new IllegalArgumentException(
                    "need a finite P_mean, positive P_std and sigma_data: " + pMean + ", " + pStd + ", " + sigmaData);
        }
        this.pMean = pMean;
        this.pStd = pStd;
        this.sigmaData = sigmaData;
    }

    public static EdmLoss reference(double sigmaData) {
        return new EdmLoss(-1.2, 1.2, sigmaData);
    }

    /** Per-sample loss, shape [N], for clean images x ([N, C, H, W]). */
    public NDArray perSample(NDManager manager, NDArray x, DenoiserPass denoiser) {
        long n = x.getShape().get(0);
        NDArray sigma = manager.randomNormal((float) pMean, (float) pStd, new Shape(n, 1, 1, 1), DataType.FLOAT32)
                .exp();
        NDArray noise = manager.randomNormal(0f, 1f, x.getShape(), DataType.FLOAT32);
        return perSample(x, sigma, noise, denoiser);
    }

    public NDArray perSample(NDArray x, NDArray sigma, NDArray noise, DenoiserPass denoiser) {
        long n = x.getShape().get(0);
        NDArray d = denoiser.denoise(x.add(noise.mul(sigma)), sigma);
        double sd2 = sigmaData * sigmaData;
        NDArray weight = sigma.square().add((float) sd2).div(sigma.square().mul((float) sd2));
        return d.sub(x).square().mul(weight).reshape(n, -1).sum(new int[] {1});
    }
}
