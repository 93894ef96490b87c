package io.ectstream.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlEngineSmokeTest {
    @Test
    void pytorchEngineRunsOfflineOnCpu() {
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] sum = manager.create(new float[] {1, 2})
                    .add(manager.create(new float[] {3, 4}))
                    .toFloatArray();
            assertArrayEquals(new float[] {4, 6}, sum);
        }
    }
}
