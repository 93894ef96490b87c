package io.ectstream.trainer.testing;

import org.junit.jupiter.api.extension.Extension;

/**
 * Auto-registered (META-INF/services, junit-platform.properties) before any test touches the engine: one
 * PyTorch intra-op thread. The build machine is shared by several builds on 2 cores, where OpenMP threads
 * spinning on a busy core made steps up to 10x slower and their time erratic; one thread keeps the suite
 * fast and steady. Production runs keep PyTorch's default (one thread per core).
 */
public final class SingleThreadedTorch implements Extension {
    static {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
