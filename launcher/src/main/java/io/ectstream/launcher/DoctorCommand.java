package io.ectstream.launcher;

import io.ectstream.core.device.DeviceDiagnosis;
import io.ectstream.core.device.DeviceOptions;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream doctor}: what DJL runs on here, and the exact fix for each thing that keeps a GPU from being used. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Print the engine, the libtorch in use (path, version, CUDA, cuDNN), the JNI library, every visible GPU"
                    + " with its memory, the threads, and the exact fix for each problem found.",
            "Exit status 1 where --device gpu (or the --device given) would fail, else 0."
        })
public final class DoctorCommand implements Callable<Integer> {

    @Option(
            names = "--device",
            defaultValue = "gpu",
            paramLabel = "gpu|auto|cpu",
            description = "The device to check for (default ${DEFAULT-VALUE}: fails unless a GPU is usable).")
    String device;

    @Option(
            names = "--allow-native-download",
            description =
                    "Check with DJL's CUDA download allowed, as the other commands' flag of that name does (downloads it if missing).")
    boolean allowNativeDownload;

    @Spec
    CommandSpec spec;

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        String choice = device.trim().toLowerCase(Locale.ROOT);
        if (!choice.equals("gpu") && !choice.equals("auto") && !choice.equals("cpu")) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--device must be gpu, auto or cpu, not '" + device + "'");
        }
        DeviceDiagnosis diagnosis = DeviceDiagnosis.run(new DeviceOptions(choice, allowNativeDownload, true), env);
        PrintWriter out = spec.commandLine().getOut();
        diagnosis.report().forEach(out::println);
        boolean engine = diagnosis.engineStarted();
        if (!diagnosis.problems().isEmpty()) {
            out.println("problems:" + diagnosis.advice());
        }
        int exit;
        if (choice.equals("gpu")) {
            exit = diagnosis.gpuUsable() ? 0 : 1;
            out.println(
                    diagnosis.gpuUsable()
                            ? "--device gpu: works (GPU 0)"
                            : "--device gpu: would fail (see the fixes above)");
        } else {
            exit = engine ? 0 : 1;
            out.println("--device " + choice + ": "
                    + (!engine
                            ? "would fail: PyTorch does not start"
                            : choice.equals("auto") && diagnosis.gpuUsable()
                                    ? "works, on GPU 0"
                                    : "works, on the CPU"));
        }
        out.flush();
        return exit;
    }
}
