package io.ectstream.core.device;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine once per process, on the libtorch found in this order: (a) the folder the user names
 * with PYTORCH_LIBRARY_PATH; (b) when allowed (--allow-native-download) and a GPU is visible, DJL's CUDA build,
 * downloaded once into DJL_CACHE_DIR; (c) the CPU build bundled in the jar. DJL reads all of this once, when the
 * engine starts: whatever starts the engine before {@link #start} gets DJL's own choice (the bundled CPU build).
 */
public final class NativeLibraries {
    private static final Logger log = LoggerFactory.getLogger(NativeLibraries.class);
    /** The resource by which DJL finds the native build bundled in the jar. */
    private static final String BUNDLED_NATIVES = "native/lib/pytorch.properties";

    /** Where libtorch came from. */
    public enum Source {
        USER("the libtorch named by PYTORCH_LIBRARY_PATH"),
        DOWNLOAD("DJL's CUDA build, downloaded into DJL_CACHE_DIR (--allow-native-download)"),
        BUNDLED_CPU("the CPU build bundled in the jar");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The outcome: the source, why it was chosen, the user's folder (source USER), and the engine or why it failed.
     */
    public record Start(
            Source source, String why, Optional<LibtorchFolder> folder, Engine engine, RuntimeException failure) {
        public boolean started() {
            return engine != null;
        }
    }

    private static Start start;

    private NativeLibraries() {}

    /** The engine, started on the first call from the given environment; later calls return the same outcome. */
    public static synchronized Start start(boolean allowDownload, Map<String, String> env) {
        if (start == null) {
            start = doStart(allowDownload, env);
        }
        return start;
    }

    /** Whether {@link #start} was called in this process: settings read when libraries load are fixed from then. */
    public static synchronized boolean engineStartRequested() {
        return start != null;
    }

    static Start doStart(boolean allowDownload, Map<String, String> env) {
        String named = env.getOrDefault("PYTORCH_LIBRARY_PATH", System.getProperty("PYTORCH_LIBRARY_PATH"));
        if (named != null && !named.isBlank()) {
            Optional<LibtorchFolder> folder = LibtorchFolder.find(named);
            if (folder.isEmpty()) {
                // DJL would quietly go on with the bundled CPU build: refuse instead, the user meant another libtorch.
                return new Start(
                        Source.USER,
                        "PYTORCH_LIBRARY_PATH=" + named,
                        Optional.empty(),
                        null,
                        new IllegalStateException(
                                "PYTORCH_LIBRARY_PATH=" + named + " holds no " + System.mapLibraryName("torch")));
            }
            LibtorchFolder lib = folder.get();
            fillIn("PYTORCH_VERSION", lib.version().orElse(null), env);
            fillIn("PYTORCH_FLAVOR", lib.flavor(), env);
            // DJL counts GPUs through libcudart (JNA): let it find the one that came with this libtorch.
            lib.cudaRuntimeFolders().forEach(f -> NativeLibrary.addSearchPath("cudart", f.toString()));
            return started(Source.USER, "PYTORCH_LIBRARY_PATH=" + named, folder, NativeLibraries::startEngine);
        }
        if (allowDownload) {
            if (CudaUtils.getGpuCount() > 0) {
                return started(
                        Source.DOWNLOAD,
                        "--allow-native-download and " + CudaUtils.getGpuCount() + " GPU(s) visible",
                        Optional.empty(),
                        NativeLibraries::startDownloading);
            }
            return started(
                    Source.BUNDLED_CPU,
                    "downloads allowed, but no GPU is visible to the CUDA runtime",
                    Optional.empty(),
                    NativeLibraries::startEngine);
        }
        return started(
                Source.BUNDLED_CPU,
                "no PYTORCH_LIBRARY_PATH named and native downloads not allowed",
                Optional.empty(),
                NativeLibraries::startEngine);
    }

    /** Sets what the user did not set; DJL reads the environment first, then these system properties. */
    private static void fillIn(String key, String value, Map<String, String> env) {
        if (value != null && env.get(key) == null && System.getProperty(key) == null) {
            System.setProperty(key, value);
            log.debug("{}={} (read from the libtorch folder)", key, value);
        }
    }

    private static Start started(Source source, String why, Optional<LibtorchFolder> folder, Supplier<Engine> how) {
        try {
            return new Start(source, why, folder, how.get(), null);
        } catch (RuntimeException | LinkageError e) {
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e);
            return new Start(source, why, folder, null, failure);
        }
    }

    private static Engine startEngine() {
        return Engine.getInstance();
    }

    /**
     * DJL takes the bundled CPU build whenever the jar has one; hiding it while the engine starts makes DJL fetch
     * (or find in its cache) the CUDA build that fits the visible GPU, with the JNI library from pytorch-jni.
     */
    private static Engine startDownloading() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        String offline = System.getProperty("ai.djl.offline");
        thread.setContextClassLoader(
                new BundledNativesHidden(previous != null ? previous : NativeLibraries.class.getClassLoader()));
        System.setProperty("ai.djl.offline", "false");
        try {
            return Engine.getInstance();
        } finally {
            thread.setContextClassLoader(previous);
            if (offline != null) {
                System.setProperty("ai.djl.offline", offline);
            } else {
                System.clearProperty("ai.djl.offline");
            }
        }
    }

    private static final class BundledNativesHidden extends ClassLoader {
        BundledNativesHidden(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return BUNDLED_NATIVES.equals(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
