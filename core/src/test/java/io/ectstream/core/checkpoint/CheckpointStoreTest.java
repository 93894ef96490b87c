package io.ectstream.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path root;

    @Test
    void layoutIsRunFolderAndZeroPaddedStep() {
        assertEquals("demo/step-000001000.ckpt", CheckpointStore.relativeUri("demo", 1000));
        assertEquals(
                root.toAbsolutePath().resolve("demo/step-000000007.ckpt"), CheckpointStore.fileFor(root, "demo", 7));
        assertEquals(1000, CheckpointStore.stepOf(Path.of("step-000001000.ckpt")));
    }

    @Test
    void resolveRefusesUrisOutsideTheRoot() {
        assertEquals(
                root.toAbsolutePath().resolve("a/step-000000001.ckpt"),
                CheckpointStore.resolve(root, "a/step-000000001.ckpt"));
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
        assertEquals(
                12000, CheckpointStore.stepOf(CheckpointStore.latest(root, "r").orElseThrow()));
    }

    @Test
    void fileUriIsRefusedEvenWhenItNamesAFileInsideTheRoot() throws Exception {
        Path inside = Files.createDirectories(root.resolve("r")).resolve("step-000000001.ckpt");
        Files.write(inside, new byte[1]);
        String uri = inside.toUri().toString();
        assertTrue(uri.startsWith("file:"), uri);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CheckpointStore.resolve(root, uri));
        assertTrue(e.getMessage().contains("no scheme"), e.getMessage());
        CheckpointException checked =
                assertThrows(CheckpointException.class, () -> CheckpointStore.existingFile(root, uri));
        assertTrue(checked.getMessage().contains("outside the store root"), checked.getMessage());
        assertEquals(inside.toRealPath(), CheckpointStore.existingFile(root, "r/step-000000001.ckpt"));
    }

    @Test
    void symbolicLinkOutOfTheRootIsRefused(@TempDir Path elsewhere) throws Exception {
        Path outside = elsewhere.resolve("step-000000001.ckpt");
        Files.write(outside, new byte[1]);
        Files.createDirectories(root.resolve("r"));
        Files.createSymbolicLink(root.resolve("r/step-000000001.ckpt"), outside);
        Files.createSymbolicLink(root.resolve("linked-run"), elsewhere);

        IllegalArgumentException file = assertThrows(
                IllegalArgumentException.class, () -> CheckpointStore.resolve(root, "r/step-000000001.ckpt"));
        assertTrue(file.getMessage().contains("links outside the store root"), file.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointStore.existingFile(root, "r/step-000000001.ckpt"));
        IllegalArgumentException folder =
                assertThrows(IllegalArgumentException.class, () -> CheckpointStore.fileFor(root, "linked-run", 2));
        assertTrue(folder.getMessage().contains("links outside the store root"), folder.getMessage());
    }

    @Test
    void symbolicLinkInsideTheRootIsFollowed() throws Exception {
        Path target = Files.createDirectories(root.resolve("r")).resolve("step-000000001.ckpt");
        Files.write(target, new byte[1]);
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("r"));
        assertEquals(target.toRealPath(), CheckpointStore.existingFile(root, "alias/step-000000001.ckpt"));
    }

    @Test
    void oneNamingScheme() {
        assertEquals("step-000000042.ckpt", CheckpointStore.fileName(42));
        assertEquals(Optional.of(1234567890L), CheckpointStore.step(Path.of("x/step-1234567890.ckpt")));
        for (String other : new String[] {"step-1.ckpt", ".step-000000001.ckpt.1.tmp", "step-000000001.ckpt.tmp"}) {
            assertEquals(Optional.empty(), CheckpointStore.step(Path.of(other)), other);
        }
        assertTrue(CheckpointStore.isValidRunId("demo-tune_1.a"));
        for (String bad : new String[] {"", "-x", "a..b", "a/b", "x".repeat(129)}) {
            assertFalse(CheckpointStore.isValidRunId(bad), bad);
        }
    }
}
