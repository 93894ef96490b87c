package io.ectstream.core.device;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TF32 on NVIDIA GPUs (Ampere and later): float32 convolutions and matrix products computed with 10-bit mantissas,
 * about 1e-3 relative error instead of float32's 1e-6. libtorch lets cuDNN use it for convolutions by default;
 * locuslab/ect's {@code ct_training_loop.py} (like EDM's) turns it off for training, so the trainer does too.
 *
 * <p>DJL has no switch for it. NVIDIA's documented process-wide one is the environment variable
 * {@code NVIDIA_TF32_OVERRIDE=0}, read by cuDNN and cuBLAS, so it must be in the process's environment before they
 * start: {@link #apply} sets it through libc (JNA, which DJL already uses) and must run before the engine starts
 * ({@link NativeLibraries}). Once the engine runs on a GPU, {@link #applyToLibtorch} also turns off libtorch's own
 * cuDNN flag, the one the reference sets ({@link LibtorchTf32}). Commands that do not call them (serving, scoring)
 * keep libtorch's default and their own precision flags.
 */
public final class Tf32 {
    /** NVIDIA's switch: "0" disables TF32 in cuDNN and cuBLAS; any other value or none leaves their defaults. */
    public static final String OVERRIDE_ENV = "NVIDIA_TF32_OVERRIDE";

    private static final Logger log = LoggerFactory.getLogger(Tf32.class);
    private static Boolean applied;

    private Tf32() {}

    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    /**
     * Allows TF32 ({@code allowed}) or turns it off for the rest of the process, before the engine starts; returns
     * whether TF32 is allowed from now on. Once the engine has started the mode is fixed: asking for the other one
     * then is refused with one warning and the mode in force is returned.
     */
    public static synchronized boolean apply(boolean allowed) {
        if (NativeLibraries.engineStartRequested()) {
            boolean inForce = allowed();
            if (inForce != allowed) {
                log.warn(
                        "TF32 stays {}: the engine started before the training numerics were chosen ({}={})",
                        inForce ? "on" : "off",
                        OVERRIDE_ENV,
                        inForce ? "unset" : "0");
            }
            applied = inForce;
            return inForce;
        }
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError e) {
            log.warn(
                    "cannot reach libc to set {} on this system ({}); TF32 stays {}: set {}=0 in the environment"
                            + " before starting to turn it off",
                    OVERRIDE_ENV,
                    e.getMessage(),
                    allowed() ? "on" : "off",
                    OVERRIDE_ENV);
            return allowed();
        }
        int rc = allowed ? libc.unsetenv(OVERRIDE_ENV) : libc.setenv(OVERRIDE_ENV, "0", 1);
        if (rc != 0) {
            throw new IllegalStateException("could not " + (allowed ? "unset " : "set ") + OVERRIDE_ENV
                    + " in this process (libc returned " + rc + ")");
        }
        applied = allowed;
        return allowed;
    }

    /**
     * Once the engine has started on a GPU, with TF32 off: libtorch's own cuDNN flag off too ({@link LibtorchTf32}),
     * so that TF32 off is the reference's setting and not NVIDIA's override alone. One warning when it cannot be set.
     */
    public static synchronized void applyToLibtorch() {
        if (allowed()) {
            return; // libtorch's default
        }
        try {
            Optional<Boolean> readBack = LibtorchTf32.set(false);
            if (readBack.orElse(false)) {
                throw new IllegalStateException("libtorch still reports allow_tf32 on after setting it off");
            }
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            log.warn(
                    "TF32 is off through {}=0 only: libtorch's own cuDNN flag could not be set ({}); in cuDNN's"
                            + " benchmark mode libtorch may then pick tensor-core engines that the reference's setting"
                            + " excludes (--no-cudnn-benchmark avoids them)",
                    OVERRIDE_ENV,
                    e.getMessage());
        }
    }

    /**
     * Whether TF32 is allowed in this process: as {@link #apply} left it, else as the environment the process
     * started with says (on, libtorch's default, unless {@code NVIDIA_TF32_OVERRIDE=0}).
     */
    public static synchronized boolean allowed() {
        if (applied != null) {
            return applied;
        }
        return !"0".equals(System.getenv(OVERRIDE_ENV));
    }
}
