package io.ectstream.benchmarks.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Random;

/**
 * Which arithmetic a device's float32 convolutions use, measured: a 3x3 convolution of the size the networks run
 * (batch 16, 64 to 64 channels, 32x32) in float32 on the device against the same one in float64 on the CPU. Full
 * float32 agrees to ~1e-7 relative L2; TF32 (10-bit mantissas) to ~5e-4.
 */
public final class ConvolutionNumerics {
    /** Above this relative error a float32 convolution did not run in full float32. */
    public static final double FLOAT32_BOUND = 1e-5;

    private ConvolutionNumerics() {}

    /** The relative L2 error of the device's float32 convolution against float64. */
    public static double relativeErrorVsFloat64(Device device) {
        Random random = new Random(5);
        Shape inputShape = new Shape(16, 64, 32, 32);
        Shape weightShape = new Shape(64, 64, 3, 3);
        double[] input = gaussian(random, inputShape.size());
        double[] weight = gaussian(random, weightShape.size());
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu());
                NDManager onDevice = NDManager.newBaseManager(device)) {
            NDArray want = convolve(cpu.create(input, inputShape), cpu.create(weight, weightShape));
            NDArray got = convolve(
                    onDevice.create(input, inputShape).toType(DataType.FLOAT32, false),
                    onDevice.create(weight, weightShape).toType(DataType.FLOAT32, false));
            NDArray gotOnCpu = cpu.create(got.toFloatArray(), got.getShape()).toType(DataType.FLOAT64, false);
            double diff = gotOnCpu.sub(want).square().sum().getDouble();
            double norm = want.square().sum().getDouble();
            return Math.sqrt(diff / norm);
        }
    }

    private static NDArray convolve(NDArray input, NDArray weight) {
        return Conv2d.conv2d(input, weight, null, new Shape(1, 1), new Shape(1, 1))
                .singletonOrThrow();
    }

    private static double[] gaussian(Random random, long n) {
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }
}
