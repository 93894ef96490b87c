package io.ectstream.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.ect.EctLoss;
import io.ectstream.trainer.ect.EdmLoss;
import io.ectstream.trainer.testing.TinyRuns;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between the forward and the backward pass must not change a single gradient
 * value. It did: DJL's scalar overloads (x.mul(0.707f)) hand autograd a constant that borrows a direct
 * ByteBuffer, freed once collected (see ScaledBy), which made training randomly wrong and, at times, NaN.
 * The disturbed run collects, then refills small freed blocks with NaN so that any read of freed memory shows.
 */
class GradientsUnderGarbageCollectionTest {
    private static final TrainingConfig CONFIG = TinyRuns.config("gc", 0.04, 0.04, 4, "network.dropout=0.2");

    @Test
    void edmLossGradientIsTheSameWhenMemoryIsCollectedBeforeBackward() throws Exception {
        PhaseConfig phase = CONFIG.pretrain();
        EdmLoss edm = new EdmLoss(phase.pMean(), phase.pStd(), CONFIG.network().sigmaData());
        assertSameGradients(
                (manager, pass) -> edm.perSample(manager, batch(manager), pass).mean());
    }

    @Test
    void ectLossGradientIsTheSameWhenMemoryIsCollectedBeforeBackward() throws Exception {
        PhaseConfig phase = CONFIG.ect();
        EctLoss ect = new EctLoss(phase.schedule(), phase.c());
        assertSameGradients((manager, pass) -> {
            EctLoss.Draw draw = ect.draw(manager, batch(manager), 2);
            NDArray target = ect.target(draw, pass);
            return ect.perSample(draw, target, pass).mean();
        });
    }

    private static NDArray batch(NDManager manager) {
        return manager.randomUniform(-1f, 1f, new Shape(4, 1, 8, 8), DataType.FLOAT32);
    }

    private static void assertSameGradients(BiFunction<NDManager, DenoiserPass, NDArray> loss) throws Exception {
        try (TrainingModel model = new TrainingModel(CONFIG.network(), Device.cpu(), 7)) {
            TinyRuns.randomize(model);
            float[] calm = gradient(model, loss, false);
            float[] disturbed = gradient(model, loss, true);
            assertArrayEquals(calm, disturbed, 0f);
        }
    }

    private static float[] gradient(
            TrainingModel model, BiFunction<NDManager, DenoiserPass, NDArray> loss, boolean collectBeforeBackward)
            throws InterruptedException {
        try (NDManager step = model.manager().newSubManager()) {
            Engine.getInstance().setRandomSeed(11);
            DenoiserPass pass = model.pass(new ParameterStore(step, false), new DropoutMasks());
            List<ByteBuffer> refill = List.of();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = loss.apply(step, pass);
                if (collectBeforeBackward) {
                    refill = collectAndRefillFreedMemory();
                }
                collector.backward(value);
            }
            float[] gradient = model.parameters().flatGradients(step).toFloatArray();
            model.parameters().zeroGradients(step);
            Reference.reachabilityFence(refill);
            return gradient;
        }
    }

    private static List<ByteBuffer> collectAndRefillFreedMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(100); // the Cleaner thread frees the collected buffers' memory
        List<ByteBuffer> blocks = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer block = ByteBuffer.allocateDirect(4);
            block.putFloat(0, Float.NaN);
            blocks.add(block);
        }
        return blocks;
    }
}
