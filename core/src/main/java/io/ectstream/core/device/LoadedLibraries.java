package io.ectstream.core.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The native libraries this process has mapped (Linux' /proc/self/maps): which JNI and cuDNN DJL really loaded. */
final class LoadedLibraries {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private LoadedLibraries() {}

    /** The path of the first mapped file whose name passes the test; empty where /proc is not there. */
    static Optional<String> find(Predicate<String> fileName) {
        if (!Files.isReadable(MAPS)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(MAPS)) {
            return lines.filter(l -> l.indexOf('/') >= 0)
                    .map(l -> l.substring(l.indexOf('/')).trim())
                    .filter(p -> fileName.test(p.substring(p.lastIndexOf('/') + 1)))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The JNI library (DJL may prefix its name with its version, e.g. 0.36.0-libdjl_torch.so). */
    static Optional<String> jni() {
        String jni = System.mapLibraryName("djl_torch");
        return find(name -> name.endsWith(jni));
    }

    static Optional<String> cudnn() {
        return find(name -> name.startsWith("libcudnn.so") || name.startsWith("libcudnn64"));
    }
}
