package io.ectstream.trainer.publish;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded, ordered queue between the training thread and the sender. {@link #offer} never blocks
 * beyond a short lock. When full it makes room by dropping the oldest progress record; only when the
 * queue holds checkpoint events alone is the oldest checkpoint event dropped (its file stays in the
 * store and {@code republish} announces it again). An incoming progress record is dropped rather than
 * a checkpoint event.
 */
final class EventQueue {
    /** What {@link #offer} had to give up to keep the bound. */
    enum Dropped {
        NOTHING,
        PROGRESS,
        CHECKPOINT
    }

    private final int bound;
    private final ArrayDeque<PendingEvent> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long droppedProgress;
    private long droppedCheckpoints;

    EventQueue(int bound) {
        this.bound = bound;
    }

    Dropped offer(PendingEvent event) {
        lock.lock();
        try {
            Dropped dropped = Dropped.NOTHING;
            if (events.size() >= bound) {
                if (removeOldestProgress()) {
                    dropped = Dropped.PROGRESS;
                    droppedProgress++;
                } else if (event instanceof PendingEvent.Progress) {
                    droppedProgress++;
                    return Dropped.PROGRESS;
                } else {
                    events.pollFirst();
                    droppedCheckpoints++;
                    dropped = Dropped.CHECKPOINT;
                }
            }
            events.addLast(event);
            notEmpty.signal();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest event, waiting up to {@code timeoutMillis}; null when none came. */
    PendingEvent poll(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (events.isEmpty() && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            return events.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }

    long droppedProgress() {
        lock.lock();
        try {
            return droppedProgress;
        } finally {
            lock.unlock();
        }
    }

    long droppedCheckpoints() {
        lock.lock();
        try {
            return droppedCheckpoints;
        } finally {
            lock.unlock();
        }
    }

    private boolean removeOldestProgress() {
        for (Iterator<PendingEvent> it = events.iterator(); it.hasNext(); ) {
            if (it.next() instanceof PendingEvent.Progress) {
                it.remove();
                return true;
            }
        }
        return false;
    }
}
