package io.ectstream.kafka.embedded;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * For tests: waits until a condition holds (a counter reached, an offset committed) instead of sleeping a guessed
 * time and asserting after it. The condition is checked every 20 ms.
 */
public final class Await {
    private static final long CHECK_EVERY_MS = 20;

    private Await() {}

    /** Returns once {@code condition} holds; an {@link AssertionError} naming {@code what} if it does not in time. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still waiting after " + timeout + " for " + what);
            }
            Thread.sleep(CHECK_EVERY_MS);
        }
    }
}
