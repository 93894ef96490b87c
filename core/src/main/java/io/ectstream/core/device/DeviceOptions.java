package io.ectstream.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The picocli mixin of every command that runs the network ({@code @Mixin DeviceOptions device;}): which device,
 * whether DJL may download its CUDA build of libtorch, and cuDNN's benchmark mode.
 */
public final class DeviceOptions {
    /** The environment variable that allows the download as --allow-native-download does. */
    public static final String ALLOW_DOWNLOAD_ENV = "ECTSTREAM_ALLOW_NATIVE_DOWNLOAD";

    @Option(
            names = "--device",
            defaultValue = "auto",
            paramLabel = "auto|cpu|gpu|gpu:N",
            description =
                    "auto (a GPU when a CUDA libtorch and a GPU are found, else the CPU, said in one line), cpu, gpu (the"
                            + " first GPU) or gpu:N (fails at once without it; see `ectstream doctor`); serve, bench-sample and"
                            + " bench-sampler also take a list, one generator per entry: gpu:0,1; train, pipeline and bench-train"
                            + " train data-parallel on a list, one replica per entry, the batch split evenly (default ${DEFAULT-VALUE}).")
    String device = "auto";

    @Option(
            names = "--allow-native-download",
            description =
                    "When no PYTORCH_LIBRARY_PATH is named and a GPU is visible, let DJL download its CUDA build of libtorch"
                            + " once into DJL_CACHE_DIR (also ECTSTREAM_ALLOW_NATIVE_DOWNLOAD=true; default: offline, the CPU build in the jar).")
    boolean allowNativeDownload;

    @Option(
            names = "--cudnn-benchmark",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "On a GPU, let cuDNN time its convolution algorithms per shape and keep the fastest (+~10%% per step;"
                            + " the chosen algorithm, so the last bits of a result, may differ between processes) (default ${DEFAULT-VALUE}).")
    boolean cudnnBenchmark = true;

    public DeviceOptions() {}

    public DeviceOptions(String device, boolean allowNativeDownload, boolean cudnnBenchmark) {
        this.device = device;
        this.allowNativeDownload = allowNativeDownload;
        this.cudnnBenchmark = cudnnBenchmark;
    }

    /** Options from a device name alone, the download allowed only by the environment. */
    public static DeviceOptions of(String device) {
        return new DeviceOptions(device, false, true);
    }

    public String device() {
        return device;
    }

    /** The flag, or ECTSTREAM_ALLOW_NATIVE_DOWNLOAD=true in the given environment. */
    public boolean allowNativeDownload(Map<String, String> env) {
        return allowNativeDownload || Boolean.parseBoolean(env.getOrDefault(ALLOW_DOWNLOAD_ENV, "false"));
    }

    public boolean cudnnBenchmark() {
        return cudnnBenchmark;
    }

    /** The same options as arguments, for a child process (the demo's trainer). */
    public List<String> asArguments() {
        List<String> args = new ArrayList<>(List.of("--device", device));
        if (allowNativeDownload) {
            args.add("--allow-native-download");
        }
        if (!cudnnBenchmark) {
            args.add("--no-cudnn-benchmark");
        }
        return args;
    }
}
