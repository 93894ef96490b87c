package io.ectstream.core.ect;

import ai.djl.ndarray.NDArray;

/**
 * EDM preconditioning of docs/ECT.md §2: D(x, s) = cSkip(s) x + cOut(s) F(cIn(s) x, cNoise(s)).
 * <ul>
 *   <li>TRAINING: cSkip = sigmaData^2 / (s^2 + sigmaData^2), cOut = s sigmaData / sqrt(s^2 + sigmaData^2)</li>
 *   <li>SAMPLING: s shifted by sigmaMin = 0.003 in cSkip and in cOut's numerator (not its denominator),
 *       so that D(x, 0.003) = x exactly (cSkip = 1, cOut = 0)</li>
 * </ul>
 * cIn = 1 / sqrt(s^2 + sigmaData^2) and cNoise = ln(s) / 4 in both forms. The array form works on
 * sigma of shape [N] and returns coefficients broadcastable against [N, C, H, W], computed on sigma's device.
 */
public final class Preconditioning {
    /** The ECT evaluation shift: the noise level at which the sampling-form denoiser is the identity. */
    public static final double SIGMA_MIN_SHIFT = 0.003;

    public enum Mode {
        TRAINING,
        SAMPLING
    }

    /** The four coefficients, each [N, 1, 1, 1] except cNoise [N]. */
    public record Coefficients(NDArray cSkip, NDArray cOut, NDArray cIn, NDArray cNoise) {}

    private final double sigmaData;

    public Preconditioning(double sigmaData) {
        if (!(sigmaData > 0) || !Double.isFinite(sigmaData)) {
            throw new IllegalArgumentException("sigmaData must be positive and finite, not " + sigmaData);
        }
        this.sigmaData = sigmaData;
    }

    public double sigmaData() {
        return sigmaData;
    }

    public Coefficients coefficients(NDArray sigma, Mode mode) {
        NDArray s = sigma.reshape(-1, 1, 1, 1);
        float sigmaData2 = (float) (sigmaData * sigmaData);
        NDArray shifted = mode == Mode.SAMPLING ? s.sub((float) SIGMA_MIN_SHIFT) : s;
        NDArray rootS2 = s.square().add(sigmaData2).sqrt();
        NDArray cSkip = shifted.square().add(sigmaData2).pow(-1).mul(sigmaData2);
        NDArray cOut = shifted.mul((float) sigmaData).div(rootS2);
        NDArray cIn = rootS2.pow(-1);
        NDArray cNoise = sigma.reshape(-1).log().div(4f);
        return new Coefficients(cSkip, cOut, cIn, cNoise);
    }

    public double cSkip(double s, Mode mode) {
        double shifted = shift(s, mode);
        return sigmaData * sigmaData / (shifted * shifted + sigmaData * sigmaData);
    }

    public double cOut(double s, Mode mode) {
        return shift(s, mode) * sigmaData / Math.sqrt(s * s + sigmaData * sigmaData);
    }

    public double cIn(double s) {
        return 1 / Math.sqrt(s * s + sigmaData * sigmaData);
    }

    public double cNoise(double s) {
        return Math.log(s) / 4;
    }

    private static double shift(double s, Mode mode) {
        return mode == Mode.SAMPLING ? s - SIGMA_MIN_SHIFT : s;
    }
}
