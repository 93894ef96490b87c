package io.ectstream.core.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ectstream doctor} prints: the engine, the libtorch in use and where it came from, the JNI, the visible
 * GPUs with their memory, the threads, and each problem that keeps a GPU from being used with its exact fix.
 */
public final class DeviceDiagnosis {
    static final String PIP_TORCH_LIB = "$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')/lib";
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final List<String> report = new ArrayList<>();
    private final List<DeviceProblem> problems = new ArrayList<>();
    private final int usableGpus;
    private final boolean engineStarted;

    private DeviceDiagnosis(NativeLibraries.Start start, Map<String, String> env, boolean cudnnBenchmark) {
        int visible = visibleGpus();
        Engine engine = start.engine();
        // DJL's CUDA capability means "CUDA usable now"; whether libtorch was built with CUDA is its libtorch_cuda.
        boolean cudaBuild = engine != null
                && Files.exists(Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cuda")));
        boolean cudaUsable = engine != null && engine.hasCapability(StandardCapabilities.CUDA);
        usableGpus = engine == null ? 0 : engine.getGpuCount();
        engineStarted = engine != null;

        if (engine == null) {
            report.add("engine: PyTorch did not start (" + start.source().description() + "): "
                    + message(start.failure()));
        } else {
            report.add("engine: " + engine.getEngineName() + " " + engine.getVersion() + " through DJL "
                    + Engine.getDjlVersion() + ", built with "
                    + String.join(", ", JniUtils.getFeatures().stream().sorted().toList()));
            report.add("libtorch: " + LibUtils.getLibtorchPath() + " ("
                    + start.source().description() + "; " + start.why() + ")");
            report.add("  CUDA build: " + (cudaBuild ? "yes" : "no") + "; CUDA usable by libtorch: "
                    + (cudaUsable ? "yes" : "no")
                    + "; CUDA runtime: " + cudaRuntime()
                    + "; cuDNN: " + LoadedLibraries.cudnn().orElse(cudaBuild ? "not loaded" : "none"));
            report.add("JNI: " + LoadedLibraries.jni().orElse("(not found in /proc/self/maps)"));
        }
        report.add("GPUs visible to the CUDA runtime: " + (visible == 0 ? "none" : visible));
        for (int i = 0; i < visible; i++) {
            report.add("  " + gpuLine(i));
        }
        report.add("threads: " + threads(engine, env));
        report.add("cuDNN benchmark mode: "
                + (cudnnBenchmark ? "on for GPU work (--no-cudnn-benchmark turns it off)" : "off"));
        report.add("settings: PYTORCH_LIBRARY_PATH=" + setting("PYTORCH_LIBRARY_PATH", env) + " PYTORCH_VERSION="
                + setting("PYTORCH_VERSION", env) + " PYTORCH_FLAVOR=" + setting("PYTORCH_FLAVOR", env)
                + " DJL_CACHE_DIR="
                + setting("DJL_CACHE_DIR", env) + " CUDA_VISIBLE_DEVICES=" + setting("CUDA_VISIBLE_DEVICES", env));

        if (engine == null) {
            problems.add(engineFailed(start));
        } else if (!cudaBuild) {
            problems.add(cpuBuild(start));
        }
        if (visible == 0) {
            problems.add(
                    new DeviceProblem(
                            "no GPU is visible to the CUDA runtime (DJL asks libcudart through JNA; CUDA runtime: "
                                    + cudaRuntime() + ")",
                            "check that `nvidia-smi` lists a GPU and CUDA_VISIBLE_DEVICES does not hide it; in a container give it the GPU"
                                    + " (docker --gpus all, or an nvidia.com/gpu limit on Kubernetes); if the GPU is there, put the folder"
                                    + " of libcudart.so on LD_LIBRARY_PATH (pip installs it in site-packages/nvidia/cuda_runtime/lib)"));
        } else if (cudaBuild && (!cudaUsable || usableGpus == 0)) {
            problems.add(
                    new DeviceProblem(
                            "the CUDA libtorch cannot use the GPU although the CUDA runtime sees " + visible,
                            "check that the NVIDIA driver supports the libtorch's CUDA version (`nvidia-smi` shows the highest it supports)"));
        }
    }

    /** Starts the engine (if it was not yet) as --device gpu would, and diagnoses it. */
    public static DeviceDiagnosis run(DeviceOptions options, Map<String, String> env) {
        boolean download = !"cpu".equalsIgnoreCase(options.device().trim()) && options.allowNativeDownload(env);
        return of(NativeLibraries.start(download, env), env, options.cudnnBenchmark());
    }

    static DeviceDiagnosis of(NativeLibraries.Start start, Map<String, String> env, boolean cudnnBenchmark) {
        return new DeviceDiagnosis(start, env, cudnnBenchmark);
    }

    public List<String> report() {
        return List.copyOf(report);
    }

    /** What keeps --device gpu from working; empty when a GPU is usable. */
    public List<DeviceProblem> problems() {
        return List.copyOf(problems);
    }

    /** Whether PyTorch started at all (on some device). */
    public boolean engineStarted() {
        return engineStarted;
    }

    public boolean gpuUsable() {
        return usableGpus > 0 && problems.isEmpty();
    }

    /** The advice --device gpu fails with: each problem and its fix. */
    public String advice() {
        StringBuilder s = new StringBuilder();
        for (DeviceProblem p : problems) {
            s.append("\n  - ").append(p.what()).append("\n    fix: ").append(p.fix());
        }
        return s.toString();
    }

    private static DeviceProblem cpuBuild(NativeLibraries.Start start) {
        if (start.source() == NativeLibraries.Source.USER) {
            return new DeviceProblem(
                    "the libtorch named by PYTORCH_LIBRARY_PATH is a CPU build",
                    "name the lib folder of a CUDA build instead: `pip install torch=="
                            + LibtorchFolder.JNI_LIBTORCH_VERSION
                            + "` (its CUDA 12.8 build, +cu128), then export PYTORCH_LIBRARY_PATH=" + PIP_TORCH_LIB);
        }
        return new DeviceProblem(
                "DJL runs the CPU build of libtorch bundled in the jar (" + start.why() + ")",
                "name a CUDA libtorch: `pip install torch==" + LibtorchFolder.JNI_LIBTORCH_VERSION
                        + "` (its CUDA 12.8 build, +cu128),"
                        + " then export PYTORCH_LIBRARY_PATH=" + PIP_TORCH_LIB + " (DJL's JNI for it ships in the jar);"
                        + " or let DJL download its CUDA build once: --allow-native-download (or ECTSTREAM_ALLOW_NATIVE_DOWNLOAD=true)");
    }

    private static DeviceProblem engineFailed(NativeLibraries.Start start) {
        String what = "PyTorch did not start from " + start.source().description() + ": " + message(start.failure());
        if (start.source() == NativeLibraries.Source.USER && start.folder().isEmpty()) {
            return new DeviceProblem(
                    what,
                    "name the folder that holds " + System.mapLibraryName("torch")
                            + ": pip's site-packages/torch/lib (export PYTORCH_LIBRARY_PATH=" + PIP_TORCH_LIB
                            + ") or libtorch/lib of a libtorch archive");
        }
        if (start.source() == NativeLibraries.Source.USER) {
            LibtorchFolder lib = start.folder().get();
            if (!lib.prebuiltJniFits()) {
                return new DeviceProblem(
                        what + " (libtorch " + lib.release().orElse("?") + " in " + lib.dir() + ")",
                        "DJL " + Engine.getDjlVersion() + " ships its JNI library only for libtorch "
                                + LibtorchFolder.JNI_LIBTORCH_VERSION
                                + ": install torch==" + LibtorchFolder.JNI_LIBTORCH_VERSION
                                + " (CUDA 12.8 build) and name its torch/lib,"
                                + " or build the JNI from DJL " + Engine.getDjlVersion()
                                + "'s source (engines/pytorch/pytorch-native, cmake"
                                + " -DCMAKE_PREFIX_PATH=<torch.utils.cmake_prefix_path> -DUSE_CUDA=1) and copy libdjl_torch.so into "
                                + lib.dir());
            }
            return new DeviceProblem(
                    what,
                    "check that PYTORCH_VERSION and PYTORCH_FLAVOR name this libtorch ("
                            + lib.version().orElse("?") + ", " + lib.flavor()
                            + ") or unset them, and that its CUDA libraries load (run `ldd "
                            + lib.dir().resolve("libtorch_cuda.so") + "`)");
        }
        if (start.source() == NativeLibraries.Source.DOWNLOAD) {
            return new DeviceProblem(
                    what,
                    "the download needs the network and DJL_OFFLINE unset (./ectstream leaves it unset with"
                            + " --allow-native-download); or name a libtorch with PYTORCH_LIBRARY_PATH instead");
        }
        return new DeviceProblem(
                what, "unset PYTORCH_VERSION / PYTORCH_FLAVOR if set, and check that DJL_CACHE_DIR is writable");
    }

    private static String message(Throwable t) {
        StringBuilder s = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            s.append(": ").append(c.getMessage());
        }
        return s.toString();
    }

    private static int visibleGpus() {
        try {
            return CudaUtils.getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /** The CUDA runtime's version (libcudart answers without a driver), or why there is none. */
    static String cudaRuntime() {
        try {
            int v = CudaUtils.getCudaVersion();
            return (v / 1000) + "." + (v / 10) % 100;
        } catch (RuntimeException | LinkageError e) {
            return "not found (no libcudart.so for JNA)";
        }
    }

    private static String gpuLine(int id) {
        try {
            MemoryUsage memory = CudaUtils.getGpuMemory(Device.gpu(id));
            return String.format(
                    Locale.ROOT,
                    "GPU %d: compute capability %s, %.1f GiB, %.1f GiB in use",
                    id,
                    CudaUtils.getComputeCapability(id),
                    memory.getMax() / GIB,
                    memory.getCommitted() / GIB);
        } catch (RuntimeException e) {
            return "GPU " + id + ": " + e.getMessage();
        }
    }

    private static String threads(Engine engine, Map<String, String> env) {
        String set = "ai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "unset")
                + ", OMP_NUM_THREADS=" + env.getOrDefault("OMP_NUM_THREADS", "unset")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores for this JVM";
        if (engine == null) {
            return set;
        }
        return "intra-op " + JniUtils.getNumThreads() + ", inter-op " + JniUtils.getNumInteropThreads() + " (" + set
                + ")";
    }

    private static String setting(String key, Map<String, String> env) {
        String v = env.get(key);
        if (v != null) {
            return v;
        }
        String p = System.getProperty(key);
        return p != null ? p + " (read from the libtorch folder)" : "unset";
    }
}
