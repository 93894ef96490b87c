package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What DJL is told about a libtorch the user names: found in pip's and the archive's layouts, version and flavor read. */
class LibtorchFolderTest {
    @TempDir
    Path dir;

    private Path lib(String... files) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("torch/lib"));
        for (String f : files) {
            Files.writeString(lib.resolve(f), "");
        }
        return lib;
    }

    @Test
    void pipCudaBuildOf271TakesTheJarsCu128Jni() throws Exception {
        Path lib = lib("libtorch.so", "libtorch_cuda.so");
        Files.writeString(
                dir.resolve("torch/version.py"), "__version__ = '2.7.1+cu126'\ncuda: Optional[str] = '12.6'\n");
        LibtorchFolder found = LibtorchFolder.find("/nowhere:" + lib).orElseThrow();
        assertEquals(lib, found.dir());
        assertTrue(found.cuda());
        assertEquals(Optional.of("2.7.1"), found.version());
        assertEquals("cu128", found.flavor());
        assertTrue(found.prebuiltJniFits());
        Path cudart = Files.createDirectories(dir.resolve("nvidia/cuda_runtime/lib"));
        assertEquals(java.util.List.of(lib, cudart), found.cudaRuntimeFolders());
    }

    @Test
    void archiveOfAnotherVersionNeedsItsOwnJni() throws Exception {
        Path lib = lib("libtorch.so", "libtorch_cuda.so");
        Files.writeString(dir.resolve("torch/build-version"), "2.8.0+cu129\n");
        LibtorchFolder found =
                LibtorchFolder.find(lib.resolve("libtorch.so").toString()).orElseThrow();
        assertEquals(Optional.of("2.8.0"), found.version());
        assertEquals("cu129", found.flavor());
        assertFalse(found.prebuiltJniFits());
        Files.writeString(lib.resolve("libdjl_torch.so"), "");
        assertTrue(found.prebuiltJniFits(), "a JNI the user built and put beside libtorch");
    }

    @Test
    void cpuBuildAndFoldersWithoutLibtorch() throws Exception {
        Path lib = lib("libtorch.so");
        LibtorchFolder found = LibtorchFolder.find(lib.toString()).orElseThrow();
        assertEquals("cpu", found.flavor());
        assertEquals(Optional.empty(), found.version(), "no version file: DJL's own version (2.7.1) applies");
        assertEquals(Optional.empty(), LibtorchFolder.find(dir.toString()));
        assertEquals(Optional.empty(), LibtorchFolder.find(""));
    }
}
