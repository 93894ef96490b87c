package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The C++ flag itself, in the libtorch the project's jar bundles (its CPU build has the same at::Context): set off,
 * it reads back off; set on, on. On the GPU it decides which cuDNN engines libtorch may use (gpu-selftest checks the
 * arithmetic there).
 */
class LibtorchTf32Test {

    @Test
    void setsAndReadsBackLibtorchsOwnCudnnFlag() {
        Engine.getInstance();
        Optional<Path> library = LibtorchTf32.loadedLibrary();
        assertTrue(library.isPresent(), "libtorch_cpu is mapped once the engine started");
        assertTrue(
                library.get().getFileName().toString().startsWith("libtorch_cpu."),
                library.get().toString());
        try {
            assertEquals(Optional.of(false), LibtorchTf32.set(false));
            assertEquals(Optional.of(true), LibtorchTf32.set(true));
        } finally {
            LibtorchTf32.set(true); // libtorch's default, for the tests after this one
        }
    }
}
