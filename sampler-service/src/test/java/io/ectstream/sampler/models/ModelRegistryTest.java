package io.ectstream.sampler.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.SeededImageGenerator;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.ModelSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path dir;

    private Path store() throws Exception {
        return Files.createDirectories(dir.resolve("store"));
    }

    @Test
    void swapKeepsTheOldModelUntilItsLastReferenceIsReleased() throws Exception {
        Path store = store();
        SeededModelLoader loader = new SeededModelLoader();
        try (ModelRegistry registry = new ModelRegistry(store, loader)) {
            registry.load(Checkpoints.seeded(store, "run", 1, 11));
            LoadedModel first = registry.acquire(new ModelSelector("run", null));
            assertEquals(2, first.references());

            registry.load(Checkpoints.seeded(store, "run", 2, 22));
            LoadedModel second = registry.acquire(new ModelSelector("run", null));
            assertEquals(2, second.version().getStep());
            SeededImageGenerator oldGenerator = loader.loaded().get(0);
            assertFalse(oldGenerator.isClosed(), "a request still holds step 1");
            assertEquals(1, first.references());

            first.release();
            assertTrue(oldGenerator.isClosed(), "last reference gone: the old model is closed");
            assertFalse(loader.loaded().get(1).isClosed());
            second.release();
            assertFalse(loader.loaded().get(1).isClosed(), "the registry still holds the active model");
        }
        assertTrue(loader.loaded().get(1).isClosed(), "closing the registry releases the active model");
    }

    @Test
    void failedLoadKeepsThePreviousModel() throws Exception {
        Path store = store();
        SeededModelLoader loader = new SeededModelLoader();
        try (ModelRegistry registry = new ModelRegistry(store, loader)) {
            registry.load(Checkpoints.seeded(store, "run", 1, 11));
            CheckpointEvent corrupt = Checkpoints.seeded(store, "run", 2, 22);
            corrupt.setSha256("00".repeat(32));
            CheckpointException sha = assertThrows(CheckpointException.class, () -> registry.load(corrupt));
            assertTrue(sha.getMessage().contains("SHA-256"), sha.getMessage());
            assertEquals(1, loader.loaded().size(), "a checkpoint with the wrong hash is never handed to the loader");

            CheckpointEvent wrongSize = Checkpoints.seeded(store, "run", 3, 33);
            wrongSize.setSizeBytes(wrongSize.getSizeBytes() + 1);
            assertThrows(CheckpointException.class, () -> registry.load(wrongSize));

            CheckpointEvent unloadable = Checkpoints.write(store, "run", 4, "fail");
            assertThrows(CheckpointException.class, () -> registry.load(unloadable));

            assertEquals(1, registry.current("run").version().getStep());
            assertFalse(loader.loaded().get(0).isClosed());
        }
    }

    @Test
    void theLoaderIsHandedTheCheckedDigestSoTheFileIsHashedOnce() throws Exception {
        Path store = store();
        List<CheckpointExpectation> handed = new ArrayList<>();
        SeededModelLoader seeded = new SeededModelLoader();
        ModelLoader recording = (file, expected) -> {
            handed.add(expected);
            return seeded.load(file, expected);
        };
        try (ModelRegistry registry = new ModelRegistry(store, recording)) {
            CheckpointEvent event = Checkpoints.seeded(store, "run", 3, 11);
            registry.load(event);
            CheckpointExpectation expected = handed.get(0);
            assertTrue(
                    expected.bytesChecked(), "the registry checked size and SHA-256: the reader must not hash again");
            assertEquals(event.getSha256(), expected.sha256());
            assertEquals(event.getSizeBytes(), expected.sizeBytes());
            assertEquals(3L, expected.step());
            assertEquals(event.getNetwork(), expected.network());
        }
    }

    @Test
    void olderOrEqualStepIsSkipped() throws Exception {
        Path store = store();
        try (ModelRegistry registry = new ModelRegistry(store, new SeededModelLoader())) {
            assertEquals(ModelRegistry.LoadOutcome.LOADED, registry.load(Checkpoints.seeded(store, "run", 5, 1)));
            assertEquals(
                    ModelRegistry.LoadOutcome.SKIPPED_NOT_NEWER, registry.load(Checkpoints.seeded(store, "run", 4, 2)));
            assertEquals(5, registry.current("run").version().getStep());
        }
    }

    @Test
    void selectorNamesARunAndOptionallyItsExactStep() throws Exception {
        Path store = store();
        try (ModelRegistry registry = new ModelRegistry(store, new SeededModelLoader())) {
            assertFalse(registry.hasModel());
            assertThrows(UnknownModelException.class, () -> registry.acquire(new ModelSelector("run", null)));
            registry.load(Checkpoints.seeded(store, "run", 5, 1));
            assertTrue(registry.hasModel());
            LoadedModel exact = registry.acquire(new ModelSelector("run", 5L));
            assertSame(registry.current("run"), exact);
            exact.release();
            assertThrows(UnknownModelException.class, () -> registry.acquire(new ModelSelector("run", 4L)));
            assertThrows(UnknownModelException.class, () -> registry.acquire(new ModelSelector("other", null)));
        }
    }

    /**
     * With three recent versions, steps superseded by newer checkpoints still serve requests naming their exact step
     * (an evaluation that waited while training went on), "latest" gets the newest, and the fourth-newest is released.
     */
    @Test
    void recentVersionsServeTheirExactStepAndTheOldestIsReleased() throws Exception {
        Path store = store();
        SeededModelLoader loader = new SeededModelLoader();
        try (ModelRegistry registry = new ModelRegistry(store, loader, 3)) {
            for (long step = 10; step <= 40; step += 10) {
                assertEquals(
                        ModelRegistry.LoadOutcome.LOADED, registry.load(Checkpoints.seeded(store, "run", step, step)));
            }
            assertEquals(List.of(30L, 20L), registry.keptSteps("run"));
            assertTrue(loader.loaded().get(0).isClosed(), "step 10, the fourth-newest, was released");
            assertFalse(loader.loaded().get(1).isClosed());

            LoadedModel latest = registry.acquire(new ModelSelector("run", null));
            assertEquals(40, latest.version().getStep());
            LoadedModel superseded = registry.acquire(new ModelSelector("run", 20L));
            assertEquals(20, superseded.version().getStep());
            assertSame(loader.loaded().get(1), superseded.generator());
            UnknownModelException gone =
                    assertThrows(UnknownModelException.class, () -> registry.acquire(new ModelSelector("run", 10L)));
            assertEquals(ErrorCode.MODEL_NOT_KEPT, gone.code(), "asking again will not help");
            assertTrue(gone.getMessage().contains("no longer kept"), gone.getMessage());

            // A checkpoint announced late joins the kept ones when it is newer than the oldest of them.
            assertEquals(
                    ModelRegistry.LoadOutcome.KEPT_AS_RECENT, registry.load(Checkpoints.seeded(store, "run", 35, 35)));
            assertEquals(List.of(35L, 30L), registry.keptSteps("run"));
            assertFalse(loader.loaded().get(1).isClosed(), "step 20 is still used by a request");
            superseded.release();
            assertTrue(loader.loaded().get(1).isClosed(), "step 20 dropped out and its last request finished");
            assertEquals(
                    ModelRegistry.LoadOutcome.SKIPPED_NOT_NEWER, registry.load(Checkpoints.seeded(store, "run", 5, 5)));
            latest.release();
        }
        assertTrue(
                loader.loaded().stream().allMatch(SeededImageGenerator::isClosed),
                "closing releases the kept versions");
    }

    @Test
    void aRequestNamingARejectedStepIsToldItWasRejected() throws Exception {
        Path store = store();
        try (ModelRegistry registry = new ModelRegistry(store, new SeededModelLoader(), 4)) {
            registry.load(Checkpoints.seeded(store, "run", 10, 1));
            assertThrows(CheckpointException.class, () -> registry.load(Checkpoints.write(store, "run", 20, "fail")));
            registry.load(Checkpoints.seeded(store, "run", 30, 3));
            UnknownModelException e =
                    assertThrows(UnknownModelException.class, () -> registry.acquire(new ModelSelector("run", 20L)));
            assertEquals(ErrorCode.CHECKPOINT_REJECTED, e.code());
            assertTrue(
                    e.getMessage().contains("run@20 was rejected")
                            && e.getMessage().contains("marked to fail"),
                    e.getMessage());
        }
    }

    @Test
    void uriOutsideTheStoreRootIsRefused() throws Exception {
        Path store = store();
        Path outside = dir.resolve("outside.ckpt");
        Files.writeString(outside, "5");
        Files.createSymbolicLink(store.resolve("link.ckpt"), outside);
        Files.writeString(store.resolve("in.ckpt"), "5");
        SeededModelLoader loader = new SeededModelLoader();
        try (ModelRegistry registry = new ModelRegistry(store, loader)) {
            String inside = store.resolve("in.ckpt").toUri().toString();
            for (String uri : new String[] {
                "../outside.ckpt", outside.toString(), "file:" + outside, inside, "a/../../outside.ckpt"
            }) {
                CheckpointException e =
                        assertThrows(CheckpointException.class, () -> registry.load(at(store, uri)), uri);
                assertTrue(e.getMessage().contains("outside the store root"), e.getMessage());
            }
            CheckpointException link =
                    assertThrows(CheckpointException.class, () -> registry.load(at(store, "link.ckpt")));
            assertTrue(link.getMessage().contains("links outside"), link.getMessage());
            CheckpointException missing =
                    assertThrows(CheckpointException.class, () -> registry.load(at(store, "missing.ckpt")));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
            assertTrue(loader.loaded().isEmpty(), "no refused checkpoint reaches the loader");
        }
        assertEquals(store.resolve("in.ckpt").toRealPath(), CheckpointStore.existingFile(store, "in.ckpt"));
    }

    /** An event for {@code uri} whose size and SHA-256 are those of the store's {@code in.ckpt}. */
    private static CheckpointEvent at(Path store, String uri) throws Exception {
        return Checkpoints.event("run", 1, uri, store.resolve("in.ckpt"));
    }
}
