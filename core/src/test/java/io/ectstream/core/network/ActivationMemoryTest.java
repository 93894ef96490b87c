package io.ectstream.core.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.sampling.ConsistencySampler;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a pass frees its intermediates as it goes. What a pass leaves alive in the manager it ran in is
 * its output (and, in training, the dropout masks the second pass replays), whatever the network's depth, the
 * batch or the number of sampling steps; before, every intermediate of the pass stayed until the manager closed.
 */
class ActivationMemoryTest {
    static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 1, List.of(4), 0.3, 0.5);

    private static int live(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @Test
    void samplingLeavesOnlyItsImagesWhateverTheBatchAndSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(SPEC);
            net.initialize(manager, 2);
            Denoiser denoiser = new Denoiser(net);
            for (int batch : new int[] {1, 6}) {
                for (int steps : new int[] {1, 2}) {
                    try (NDManager step = manager.newSubManager()) {
                        ParameterStore ps = new ParameterStore(step, false);
                        NDArray z = step.randomNormal(new Shape(batch, 1, 8, 8));
                        NDArray zMid = step.randomNormal(new Shape(batch, 1, 8, 8));
                        int before = live(step);
                        NDArray x = ConsistencySampler.sample(ps, denoiser, z, zMid, steps, 0.821);
                        assertEquals(
                                before + 1,
                                live(step),
                                "batch " + batch + ", " + steps + " steps: only the images stay");
                        assertEquals(new Shape(batch, 1, 8, 8), x.getShape());
                    }
                }
            }
        }
    }

    @Test
    void aTrainingPassLeavesItsOutputAndMasksAndStillBackpropagates() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(SPEC);
            net.initialize(manager, 3);
            Denoiser denoiser = new Denoiser(net);
            try (NDManager step = manager.newSubManager()) {
                ParameterStore ps = new ParameterStore(step, false);
                NDArray x = step.randomNormal(new Shape(4, 1, 8, 8));
                NDArray sigma = step.create(new float[] {0.2f, 1f, 5f, 40f});
                DropoutMasks masks = new DropoutMasks();
                int before = live(step);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray d = denoiser.denoise(ps, x, sigma, true, Mode.TRAINING, masks);
                    assertEquals(before + 1 + masks.size(), live(step), "output and one mask per block");
                    collector.backward(d.square().sum());
                }
                // autograd kept what backward needed although DJL closed the intermediates
                NDArray grad = net.namedParameters()
                        .get("enc_8x8_block0.conv0.weight")
                        .getArray()
                        .getGradient();
                assertTrue(grad.isNaN().none().getBoolean());
                assertTrue(grad.abs().sum().getFloat() > 0);
            }
        }
    }
}
