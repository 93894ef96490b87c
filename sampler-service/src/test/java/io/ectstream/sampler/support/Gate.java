package io.ectstream.sampler.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Lets a test hold generator calls: open by default; close() makes pass() wait until open() or 60 s. */
public final class Gate {
    private volatile CountDownLatch latch = new CountDownLatch(0);
    private final Semaphore entered = new Semaphore(0);

    /** Holds the next calls; {@link #awaitEntered} then waits for one of them (not for calls that went through before). */
    public void close() {
        entered.drainPermits();
        latch = new CountDownLatch(1);
    }

    public void open() {
        latch.countDown();
    }

    void pass() {
        CountDownLatch current = latch;
        // Only a held call counts: a permit left by a call that went through would let awaitEntered return early.
        if (current.getCount() > 0) {
            entered.release();
        }
        try {
            if (!current.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        }
    }

    /** Waits until a generator call is held at the closed gate. */
    public boolean awaitEntered(long millis) throws InterruptedException {
        return entered.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }
}
