package io.ectstream.core.device;

import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns libtorch's gradient recording off for the current thread until closed (torch.no_grad()). libtorch
 * keeps the mode per thread and DJL switches it off only on the thread that loaded the engine, so a
 * forward on any other thread (a service's worker, a test's executor) with parameters that require
 * gradients would record an autograd graph and hold every activation until the result dies.
 * <pre>{@code try (GradMode off = GradMode.disabled()) { ... } }</pre>
 */
public final class GradMode implements AutoCloseable {
    private final boolean restore;
    private final boolean restoreTo;

    private GradMode(boolean restore) {
        this(restore, true);
    }

    private GradMode(boolean restore, boolean restoreTo) {
        this.restore = restore;
        this.restoreTo = restoreTo;
    }

    public static GradMode disabled() {
        if (!PtEngine.ENGINE_NAME.equals(Engine.getInstance().getEngineName())) {
            return new GradMode(false);
        }
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new GradMode(was);
    }

    /**
     * Turns recording on for the current thread until closed, without DJL's GradientCollector (of which only one may
     * exist per process): data-parallel training records on one thread per replica at once.
     */
    public static GradMode enabled() {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        return new GradMode(!was, false);
    }

    /** Whether this thread records gradients now (always false on engines other than PyTorch). */
    public static boolean recording() {
        return PtEngine.ENGINE_NAME.equals(Engine.getInstance().getEngineName()) && JniUtils.isGradMode();
    }

    @Override
    public void close() {
        if (restore) {
            JniUtils.setGradMode(restoreTo);
        }
    }
}
