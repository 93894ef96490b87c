package io.ectstream.core.device;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes libtorch's CPU convolutions through its own im2col + GEMM kernels (slow_conv2d): oneDNN and NNPACK off,
 * for the whole process, as {@code torch.backends.mkldnn.enabled = False} and {@code torch.backends.nnpack.enabled =
 * False} do in Python.
 *
 * <p>Why oneDNN: libtorch 2.7.1's oneDNN (3.7.1) convolutions give wrong results on some CPUs (an AMD EPYC with
 * AVX-512 and a 508 MiB L3 as CPUID reports it): off by as much as the result when the input channels exceed a
 * channel block (16 on AVX-512, 8 on AVX2) and are not a multiple of it, and NaN gradients from backward kernels that
 * read memory nothing wrote. docs/NUMERICS.md has the measurements. Why NNPACK: on CPUs it does not support, libtorch
 * tries to start it, and logs that it could not, at every convolution that oneDNN does not take.
 *
 * <p>DJL exposes neither switch, so they are set on libtorch's global context through JNA (which DJL already
 * ships), on the libtorch_cpu this process loaded. Every caller of a convolution calls {@link #useReferenceKernels}
 * first; the first call sets the switches, later calls cost one volatile read.
 */
public final class CpuConvolutions {
    private static final Logger LOG = LoggerFactory.getLogger(CpuConvolutions.class);
    private static final String LIBRARY = "libtorch_cpu.so";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_MKLDNN = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String GET_MKLDNN = "_ZNK2at7Context17userEnabledMkldnnEv";

    /** What the first call did: the switches were set, or why not. */
    public record Outcome(boolean applied, String detail) {}

    private static volatile Outcome outcome;

    private CpuConvolutions() {}

    /** Sets the switches once per process (the engine must be running: call it where a convolution is about to run). */
    public static Outcome useReferenceKernels() {
        Outcome done = outcome;
        if (done != null) {
            return done;
        }
        synchronized (CpuConvolutions.class) {
            if (outcome == null) {
                outcome = apply(LoadedLibraries.find(LIBRARY::equals));
                if (outcome.applied()) {
                    LOG.debug("libtorch CPU convolutions: {}", outcome.detail());
                } else {
                    LOG.warn(
                            "libtorch CPU convolutions keep oneDNN ({}): convolutions whose channel counts are not a"
                                    + " multiple of 8 may read uninitialised memory on this CPU",
                            outcome.detail());
                }
            }
            return outcome;
        }
    }

    static Outcome apply(Optional<String> libtorchCpu) {
        if (libtorchCpu.isEmpty()) {
            return new Outcome(false, LIBRARY + " is not mapped in this process");
        }
        try {
            NativeLibrary library = NativeLibrary.getInstance(libtorchCpu.get());
            Pointer context = globalContext(library);
            library.getFunction(SET_MKLDNN).invokeVoid(new Object[] {context, Boolean.FALSE});
            library.getFunction(SET_NNPACK).invokeVoid(new Object[] {context, Boolean.FALSE});
            return mkldnnEnabled(library, context)
                    ? new Outcome(false, "libtorch kept oneDNN on")
                    : new Outcome(true, "oneDNN and NNPACK off (" + libtorchCpu.get() + ")");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return new Outcome(false, "libtorch's context could not be reached: " + e.getMessage());
        }
    }

    /** Whether libtorch's CPU convolutions may use oneDNN now (false once {@link #useReferenceKernels} applied). */
    public static boolean oneDnnEnabled() {
        Optional<String> path = LoadedLibraries.find(LIBRARY::equals);
        if (path.isEmpty()) {
            return false;
        }
        NativeLibrary library = NativeLibrary.getInstance(path.get());
        return mkldnnEnabled(library, globalContext(library));
    }

    private static Pointer globalContext(NativeLibrary libtorchCpu) {
        return libtorchCpu.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
    }

    /** at::Context::userEnabledMkldnn() returns a C++ bool: only its low byte is meaningful. */
    private static boolean mkldnnEnabled(NativeLibrary libtorchCpu, Pointer context) {
        return (libtorchCpu.getFunction(GET_MKLDNN).invokeInt(new Object[] {context}) & 0xff) != 0;
    }
}
