package io.ectstream.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.sampling.Precision;
import org.junit.jupiter.api.Test;

/** The sampler's serving mode: exact (batch-invariant) by default on the CPU, batched on a GPU, either when asked. */
class ServingModeTest {
    @Test
    void defaultFollowsTheDeviceAndAnExplicitChoiceWins() {
        assertTrue(CheckpointModelLoader.forServing(Device.cpu(), null, Precision.FP32)
                .batchInvariant());
        assertFalse(CheckpointModelLoader.forServing(Device.gpu(), null, Precision.FP32)
                .batchInvariant());
        assertTrue(CheckpointModelLoader.forServing(Device.gpu(), true, Precision.FP32)
                .batchInvariant());
        assertFalse(CheckpointModelLoader.forServing(Device.cpu(), false, Precision.FP32)
                .batchInvariant());
    }
}
