package io.ectstream.core.ect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.core.network.SongUNet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The training pass of the trainer: gradients reach every parameter; the stop-grad target replays dropout. */
class DenoiserGradientTest {
    static final NetworkSpec SPEC = new NetworkSpec(8, 1, 1, 8, List.of(1, 2), 2, 1, List.of(4), 0.3, 0.5);

    @Test
    void everyParameterGetsAFiniteGradientAndTheTargetPassReplaysTheMasks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SongUNet net = new SongUNet(SPEC);
            net.initialize(manager, 3);
            Denoiser denoiser = new Denoiser(net);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(2, 1, 8, 8));
            NDArray t = manager.create(new float[] {0.5f, 3f});
            DropoutMasks masks = new DropoutMasks();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray student = denoiser.denoise(ps, x, t, true, Mode.TRAINING, masks);
                NDArray target =
                        denoiser.denoise(ps, x, t, true, Mode.TRAINING, masks).stopGradient();
                assertArrayEquals(
                        student.toFloatArray(), target.toFloatArray(), "r = t: equal outputs with replayed masks");
                collector.backward(student.sub(x.mul(0.3f)).square().sum());
            }
            Map<String, Parameter> params = net.namedParameters();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray grad = e.getValue().getArray().getGradient();
                assertTrue(grad.isNaN().logicalOr(grad.isInfinite()).none().getBoolean(), e.getKey());
            }
            // the output conv sees the whole network: its gradient cannot vanish, and it reaches the embedding MLP
            assertTrue(params.get("dec_8x8_aux_conv.weight")
                            .getArray()
                            .getGradient()
                            .abs()
                            .sum()
                            .getFloat()
                    > 0);
            assertTrue(params.get("map_layer0.weight")
                            .getArray()
                            .getGradient()
                            .abs()
                            .sum()
                            .getFloat()
                    > 0);
            assertTrue(params.get("enc_8x8_conv.weight")
                            .getArray()
                            .getGradient()
                            .abs()
                            .sum()
                            .getFloat()
                    > 0);
            // encoder 8px block0, 4px down + block0; decoder 4px in0, in1, block0, block1; 8px up, block0, block1
            assertEquals(10, masks.size(), "one mask per UNetBlock");
        }
    }
}
