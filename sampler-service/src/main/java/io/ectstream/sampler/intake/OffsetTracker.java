package io.ectstream.sampler.intake;

import java.util.TreeSet;

/**
 * The offsets of one partition that were received but not yet answered. Requests finish out of
 * order (batches of different models, chunked requests), but the committable position only moves
 * past an offset once everything before it is answered: at-least-once, never a skipped request.
 */
public final class OffsetTracker {
    private final TreeSet<Long> pending = new TreeSet<>();
    private long next = -1;
    private long committed = -1;

    /** Notes a record as received; false if it was received before (the consumer handed it over again). */
    public boolean received(long offset) {
        if (offset < next) {
            return false;
        }
        pending.add(offset);
        next = offset + 1;
        return true;
    }

    public void answered(long offset) {
        pending.remove(offset);
    }

    /** The offset to commit (the next record to read after a restart), or -1 if nothing new is committable. */
    public long committable() {
        long position = pending.isEmpty() ? next : pending.first();
        return position > committed ? position : -1;
    }

    public void committed(long position) {
        committed = Math.max(committed, position);
    }

    public int pendingCount() {
        return pending.size();
    }
}
