package io.ectstream.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path root;

    @Test
    void layoutIsRunFolderAndZeroPaddedStep() {
        assertEquals("demo/step-000001000.ckpt", CheckpointStore.relativeUri("demo", 1000));
        assertEquals(root.toAbsolutePath().resolve("demo/step-000000007.ckpt"), CheckpointStore.fileFor(root, "demo", 7));
        assertEquals(1000, CheckpointStore.stepOf(Path.of("step-000001000.ckpt")));
    }

    @Test
    void resolveRefusesUrisOutsideTheRoot() {
        assertEquals(root.toAbsolutePath().resolve("a/step-000000001.ckpt"), CheckpointStore.resolve(root, "a/step-000000001.ckpt"));
        for (String bad : new String[] {"../x.ckpt", "a/../../x.ckpt", "/etc/passwd", "file:/x", "", ".", "a\\..\\x"}) {
            assertThrows(IllegalArgumentException.class, () -> CheckpointStore.resolve(root, bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.relativeUri("../up", 1));
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.relativeUri("a/b", 1));
    }

    @Test
    void latestPicksTheHighestStep() throws Exception {
        assertTrue(CheckpointStore.latest(root, "r").isEmpty());
        Files.createDirectories(root.resolve("r"));
        for (long step : new long[] {900, 12000, 1100}) {
            Files.write(CheckpointStore.fileFor(root, "r", step), new byte[1]);
        }
        Files.write(root.resolve("r/.step-000099999.ckpt.123.tmp"), new byte[1]);
        assertEquals(12000, CheckpointStore.stepOf(CheckpointStore.latest(root, "r").orElseThrow()));
    }
}
