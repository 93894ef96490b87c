package io.ectstream.launcher.dashboard;

import java.util.ArrayDeque;

/** Events per second over the last window, from (time, amount) samples. */
final class RollingRate {
    private final long windowMillis;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long total;

    RollingRate(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    synchronized void add(long nowMillis, long amount) {
        samples.addLast(new long[] {nowMillis, amount});
        total += amount;
        evict(nowMillis);
    }

    synchronized double perSecond(long nowMillis) {
        evict(nowMillis);
        return total * 1000.0 / windowMillis;
    }

    private void evict(long nowMillis) {
        while (!samples.isEmpty() && samples.peekFirst()[0] < nowMillis - windowMillis) {
            total -= samples.removeFirst()[1];
        }
    }
}
