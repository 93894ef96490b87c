package io.ectstream.sampler.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Lets a test hold generator calls: open by default; close() makes pass() wait until open() or 60 s. */
public final class Gate {
    private volatile CountDownLatch latch = new CountDownLatch(0);
    private final Semaphore entered = new Semaphore(0);

    public void close() {
        latch = new CountDownLatch(1);
    }

    public void open() {
        latch.countDown();
    }

    void pass() {
        entered.release();
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        }
    }

    /** Waits until a generator call reached the gate. */
    public boolean awaitEntered(long millis) throws InterruptedException {
        return entered.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }
}
