package io.ectstream.core.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak GPU memory in use while a piece of work runs: a daemon thread reads the device's used memory
 * (cudaMemGetInfo: total - free, so the CUDA context and whatever PyTorch's caching allocator holds count,
 * as nvidia-smi shows it) every few milliseconds. {@link #start()} first returns PyTorch's cached blocks
 * to the driver so that one measurement does not inherit the previous one's reserve. Not a GPU, or no
 * CUDA runtime reachable from Java: every reading is empty.
 */
public final class GpuMemoryProbe implements AutoCloseable {
    private static final long PERIOD_MS = 5;

    private final Device device;
    private final AtomicLong peak = new AtomicLong(-1);
    private volatile boolean running;
    private Thread thread;

    public GpuMemoryProbe(Device device) {
        this.device = device;
    }

    /** Used bytes on the device now, if this can be read. */
    public static OptionalLong usedNow(Device device) {
        if (!device.isGpu()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(CudaUtils.getGpuMemory(device).getUsed());
        } catch (RuntimeException | LinkageError e) {
            return OptionalLong.empty();
        }
    }

    /** Frees PyTorch's cached GPU blocks, then starts watching. */
    public GpuMemoryProbe start() {
        if (device.isGpu() && PtEngine.ENGINE_NAME.equals(Engine.getInstance().getEngineName())) {
            JniUtils.emptyCudaCache();
        }
        peak.set(usedNow(device).orElse(-1));
        if (peak.get() < 0) {
            return this;
        }
        running = true;
        thread = new Thread(
                () -> {
                    while (running) {
                        usedNow(device).ifPresent(used -> peak.accumulateAndGet(used, Math::max));
                        try {
                            Thread.sleep(PERIOD_MS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                },
                "gpu-memory-probe");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** The highest used memory seen since {@link #start()}, in bytes; empty when it cannot be read. */
    public OptionalLong peakBytes() {
        usedNow(device).ifPresent(used -> peak.accumulateAndGet(used, Math::max));
        long p = peak.get();
        return p < 0 ? OptionalLong.empty() : OptionalLong.of(p);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
