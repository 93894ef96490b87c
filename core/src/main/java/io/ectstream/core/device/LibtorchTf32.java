package io.ectstream.core.device;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * libtorch's own switch for TF32 in cuDNN convolutions, {@code at::globalContext().setAllowTF32CuDNN(bool)}: what
 * {@code torch.backends.cudnn.allow_tf32 = False} sets in locuslab/ect's {@code ct_training_loop.py}. NVIDIA's
 * {@code NVIDIA_TF32_OVERRIDE=0} ({@link Tf32}) does not replace it: with the flag left on, libtorch keeps cuDNN's
 * tensor-core engines among the candidates that benchmark mode times, where the reference's setting removes them.
 * DJL has no binding for it, so it is called through its C++ symbol in the libtorch this process loaded (JNA).
 */
public final class LibtorchTf32 {
    private static final String LIBRARY = "libtorch_cpu";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_ALLOW_TF32_CUDNN = "_ZN2at7Context17setAllowTF32CuDNNEb";
    /** The getter before libtorch 2.9 (later ones take the operation and mangle differently). */
    private static final String ALLOW_TF32_CUDNN = "_ZNK2at7Context14allowTF32CuDNNEv";

    private LibtorchTf32() {}

    /**
     * Sets the flag in the loaded libtorch (call it after the engine started); returns the value read back, or empty
     * when this libtorch has no getter of that form. Throws {@link IllegalStateException} when libtorch or the setter
     * cannot be found.
     */
    public static Optional<Boolean> set(boolean allowed) {
        NativeLibrary libtorch = NativeLibrary.getInstance(loadedLibrary()
                .orElseThrow(() -> new IllegalStateException("no " + LIBRARY + " is loaded in this process"))
                .toString());
        Pointer context;
        try {
            context = (Pointer) libtorch.getFunction(GLOBAL_CONTEXT).invoke(Pointer.class, new Object[0]);
            libtorch.getFunction(SET_ALLOW_TF32_CUDNN).invoke(Void.class, new Object[] {context, allowed});
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException(
                    "this libtorch has no at::Context::setAllowTF32CuDNN(bool): " + e.getMessage());
        }
        Function getter;
        try {
            getter = libtorch.getFunction(ALLOW_TF32_CUDNN);
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
        return Optional.of(((Number) getter.invoke(Byte.class, new Object[] {context})).byteValue() != 0);
    }

    /** The path of the libtorch_cpu this process mapped (Linux: /proc/self/maps), if any. */
    static Optional<Path> loadedLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.startsWith("/")
                            && Path.of(path).getFileName().toString().startsWith(LIBRARY + "."))
                    .findFirst()
                    .map(Path::of);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
