package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.ConsistencySampler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * libtorch records gradients per thread and DJL turns that off only on the thread that loaded the engine: on
 * any other thread a pass over weights that require gradients records a graph (and keeps its activations)
 * unless sampling switches recording off.
 */
class GradModeTest {

    /**
     * Whether autograd recorded how the array was made: libtorch refuses to clear requires_grad on such a
     * non-leaf result (DJL's hasGradient() answers false for every non-leaf, recorded or not).
     */
    private static boolean recorded(NDArray array) {
        try {
            array.setRequiresGradient(false);
            return false;
        } catch (EngineException e) {
            return true;
        }
    }

    @Test
    void samplingOnAFreshThreadRecordsNoGraph() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(new NetworkSpec(8, 1, 1, 8, List.of(1), 1, 1, List.of(), 0.0, 0.5));
            net.initialize(manager, 1);
            net.namedParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
            Denoiser denoiser = new Denoiser(net);
            boolean[] seen = CompletableFuture.supplyAsync(
                            () -> {
                                try (NDManager step = manager.newSubManager()) {
                                    ParameterStore ps = new ParameterStore(step, false);
                                    NDArray z = step.randomNormal(new Shape(2, 1, 8, 8));
                                    boolean recordingHere = GradMode.recording();
                                    boolean withoutGuard =
                                            recorded(ConsistencySampler.sample(ps, denoiser, z, null, 1, 0.821));
                                    boolean withGuard;
                                    boolean recordingInside;
                                    try (GradMode off = GradMode.disabled()) {
                                        recordingInside = GradMode.recording();
                                        withGuard =
                                                recorded(ConsistencySampler.sample(ps, denoiser, z, null, 1, 0.821));
                                    }
                                    return new boolean[] {
                                        recordingHere, withoutGuard, recordingInside, withGuard, GradMode.recording()
                                    };
                                }
                            },
                            thread)
                    .get();
            assertTrue(seen[0], "a new thread starts with libtorch's recording on");
            assertTrue(seen[1], "so an unguarded pass records a graph");
            assertFalse(seen[2]);
            assertFalse(seen[3], "the guarded pass records none");
            assertEquals(true, seen[4], "closing the guard restores the thread's mode");
        } finally {
            thread.shutdownNow();
        }
    }
}
