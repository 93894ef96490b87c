package io.ectstream.core.device;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device choice at the edge: "cpu", "gpu" (the first GPU; fails at once, with doctor's advice, without one), "gpu:N",
 * "auto" (a GPU when there is one, else the CPU, said in one line), or for the sampler a list ({@link DeviceChoice}).
 * Starts the engine on the libtorch {@link NativeLibraries} finds, and applies cuDNN's benchmark mode on a GPU: the one
 * place the trainer, the sampler and the scorer go through.
 */
public final class Devices {
    private static final Logger log = LoggerFactory.getLogger(Devices.class);

    private Devices() {}

    /** The device named alone: downloads only if ECTSTREAM_ALLOW_NATIVE_DOWNLOAD=true, cuDNN benchmark on. */
    public static Device select(String choice) {
        return select(DeviceOptions.of(choice == null ? "auto" : choice));
    }

    public static Device select(DeviceOptions options) {
        return select(options, System.getenv());
    }

    static Device select(DeviceOptions options, Map<String, String> env) {
        DeviceChoice choice = DeviceChoice.parse(options.device());
        if (choice.size() > 1) {
            throw new IllegalArgumentException("--device " + choice + " names " + choice.size()
                    + " devices, but this command runs one network on one device: give one (e.g. gpu:0); only serve,"
                    + " bench-sample, bench-sampler, train, pipeline and bench-train take a list");
        }
        return selectAll(options, env).get(0);
    }

    /**
     * The engine-wide GPU settings every GPU command runs with, once the engine has started: cuDNN's benchmark mode and,
     * with TF32 off, libtorch's own cuDNN TF32 flag ({@link Tf32#applyToLibtorch}).
     */
    public static void configureGpuNumerics(boolean cudnnBenchmark) {
        JniUtils.setBenchmarkCuDNN(cudnnBenchmark);
        Tf32.applyToLibtorch();
    }

    /**
     * One device per entry the option names ({@link DeviceChoice}): a generator each in serve and the sampling
     * benchmarks, a data-parallel replica each in train, pipeline and bench-train.
     */
    public static List<Device> selectAll(DeviceOptions options) {
        return selectAll(options, System.getenv());
    }

    static List<Device> selectAll(DeviceOptions options, Map<String, String> env) {
        DeviceChoice choice = DeviceChoice.parse(options.device());
        String c = choice.text();
        NativeLibraries.Start start = NativeLibraries.start(!choice.cpuOnly() && options.allowNativeDownload(env), env);
        if (choice.cpuOnly() && start.started()) {
            return choice.resolve(0);
        }
        DeviceDiagnosis diagnosis = DeviceDiagnosis.of(start, env, options.cudnnBenchmark());
        if (!start.started()) {
            throw new DeviceUnavailableException(
                    "PyTorch cannot start:" + diagnosis.advice() + "\n(`ectstream doctor` prints the full report)");
        }
        if (diagnosis.gpuUsable()) {
            configureGpuNumerics(options.cudnnBenchmark());
            List<Device> devices = choice.resolve(start.engine().getGpuCount());
            log.info(
                    "device {}: {} of {} GPUs (libtorch {}, cuDNN benchmark {}, TF32 {})",
                    c,
                    devices,
                    start.engine().getGpuCount(),
                    start.source().description(),
                    options.cudnnBenchmark() ? "on" : "off",
                    Tf32.allowed() ? "on" : "off");
            return devices;
        }
        if (choice.isAuto()) {
            log.info(
                    "device auto: the CPU, because {} (`ectstream doctor` says how to use a GPU)",
                    diagnosis.problems().isEmpty()
                            ? "no GPU is usable"
                            : diagnosis.problems().get(0).what());
            return List.of(Device.cpu());
        }
        throw new DeviceUnavailableException("--device " + c + ": no usable GPU:" + diagnosis.advice()
                + "\n(`ectstream doctor` prints the full report; --device auto runs on the CPU instead)");
    }
}
