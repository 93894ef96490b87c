package io.ectstream.core.device;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A libtorch folder a user names with PYTORCH_LIBRARY_PATH: the {@code torch/lib} of a pip install or the
 * {@code lib} of a libtorch archive. DJL needs its version and flavor (PYTORCH_VERSION, PYTORCH_FLAVOR) to pick
 * the JNI library; they are read here from the install's own version file when the user did not set them.
 */
public record LibtorchFolder(Path dir) {
    /** The libtorch version DJL 0.36's prebuilt JNI libraries (in pytorch-jni, inside the jar) are made for. */
    public static final String JNI_LIBTORCH_VERSION = "2.7.1";
    /** The one CUDA flavor of that JNI for Linux x86_64. */
    public static final String JNI_CUDA_FLAVOR = "cu128";

    private static final Pattern PIP_VERSION = Pattern.compile("(?m)^__version__\\s*=\\s*'([^']+)'");
    private static final Pattern RELEASE = Pattern.compile("(\\d+\\.\\d+\\.\\d+)(?:\\+(\\w+))?.*");

    /** The first entry of a PYTORCH_LIBRARY_PATH value (':'-separated, like DJL reads it) holding libtorch.so. */
    public static Optional<LibtorchFolder> find(String libraryPath) {
        String lib = System.mapLibraryName("torch");
        for (String entry : libraryPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry.trim()).toAbsolutePath();
            if (Files.isRegularFile(p) && p.getFileName().toString().equals(lib)) {
                return Optional.of(new LibtorchFolder(p.getParent()));
            }
            if (Files.isRegularFile(p.resolve(lib))) {
                return Optional.of(new LibtorchFolder(p));
            }
        }
        return Optional.empty();
    }

    /**
     * Folders that may hold the CUDA runtime (libcudart) DJL asks for the GPU count: this folder (the archive keeps a
     * hash-named copy here, see docker/), and beside a pip install nvidia/cuda_runtime/lib (CUDA 12) or nvidia/cu13/lib.
     */
    public List<Path> cudaRuntimeFolders() {
        List<Path> folders = new ArrayList<>(List.of(dir));
        Path sitePackages = dir.getParent() == null ? null : dir.getParent().getParent();
        if (sitePackages != null) {
            for (String sub : List.of("nvidia/cuda_runtime/lib", "nvidia/cu13/lib")) {
                Path p = sitePackages.resolve(sub);
                if (Files.isDirectory(p)) {
                    folders.add(p);
                }
            }
        }
        return folders;
    }

    /** Whether this is a CUDA build (libtorch_cuda is there). */
    public boolean cuda() {
        return Files.exists(dir.resolve(System.mapLibraryName("torch_cuda")));
    }

    /**
     * The release, e.g. "2.7.1+cu128", from pip's {@code torch/version.py} or the archive's {@code build-version};
     * empty when neither is there.
     */
    public Optional<String> release() {
        Path parent = dir.getParent();
        if (parent == null) {
            return Optional.empty();
        }
        try {
            Path pip = parent.resolve("version.py");
            if (Files.isRegularFile(pip)) {
                Matcher m = PIP_VERSION.matcher(Files.readString(pip));
                return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            }
            Path archive = parent.resolve("build-version");
            if (Files.isRegularFile(archive)) {
                return Optional.of(Files.readString(archive).trim());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** "2.7.1" of "2.7.1+cu128", if the release is known. */
    public Optional<String> version() {
        return release().map(RELEASE::matcher).filter(Matcher::matches).map(m -> m.group(1));
    }

    /**
     * The PYTORCH_FLAVOR that names DJL's JNI for this libtorch: for libtorch 2.7.1 "cu128" (the CUDA JNI in the jar,
     * whatever CUDA 12 build it is) or "cpu"; for another version the build's own suffix ("cu126"), which only names
     * the DJL cache folder of a JNI the user built.
     */
    public String flavor() {
        if (!cuda()) {
            return "cpu";
        }
        if (version().map(JNI_LIBTORCH_VERSION::equals).orElse(true)) {
            return JNI_CUDA_FLAVOR;
        }
        return release()
                .map(RELEASE::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(2))
                .filter(s -> s != null && s.startsWith("cu"))
                .orElse(JNI_CUDA_FLAVOR);
    }

    /** Whether DJL's prebuilt JNI can serve this libtorch, or the user must build one (or already put one here). */
    public boolean prebuiltJniFits() {
        return version().map(JNI_LIBTORCH_VERSION::equals).orElse(true) || ownJni().isPresent();
    }

    /** A JNI library the user placed in the folder itself, which DJL takes before any other. */
    public Optional<Path> ownJni() {
        String jni = System.mapLibraryName("djl_torch");
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(jni)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
