package io.ectstream.core.device;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device choice at the edge: "cpu", "gpu" (the first GPU; fails at once, with doctor's advice, without one) or "auto"
 * (a GPU when there is one, else the CPU, said in one line). Starts the engine on the libtorch {@link NativeLibraries}
 * finds, and applies cuDNN's benchmark mode on a GPU: the one place the trainer, the sampler and the scorer go through.
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
        String c = options.device().trim().toLowerCase(Locale.ROOT);
        if (!c.equals("cpu") && !c.equals("gpu") && !c.equals("cuda") && !c.equals("auto")) {
            throw new IllegalArgumentException("device must be auto, cpu or gpu, not '" + options.device() + "'");
        }
        NativeLibraries.Start start = NativeLibraries.start(!c.equals("cpu") && options.allowNativeDownload(env), env);
        if (c.equals("cpu") && start.started()) {
            return Device.cpu();
        }
        DeviceDiagnosis diagnosis = DeviceDiagnosis.of(start, env, options.cudnnBenchmark());
        if (!start.started()) {
            throw new DeviceUnavailableException(
                    "PyTorch cannot start:" + diagnosis.advice() + "\n(`ectstream doctor` prints the full report)");
        }
        if (diagnosis.gpuUsable()) {
            JniUtils.setBenchmarkCuDNN(options.cudnnBenchmark());
            log.info(
                    "device {}: GPU 0 of {} (libtorch {}, cuDNN benchmark {})",
                    c,
                    start.engine().getGpuCount(),
                    start.source().description(),
                    options.cudnnBenchmark() ? "on" : "off");
            return Device.gpu();
        }
        if (c.equals("auto")) {
            log.info(
                    "device auto: the CPU, because {} (`ectstream doctor` says how to use a GPU)",
                    diagnosis.problems().isEmpty()
                            ? "no GPU is usable"
                            : diagnosis.problems().get(0).what());
            return Device.cpu();
        }
        throw new DeviceUnavailableException("--device gpu: no usable GPU:" + diagnosis.advice()
                + "\n(`ectstream doctor` prints the full report; --device auto runs on the CPU instead)");
    }
}
