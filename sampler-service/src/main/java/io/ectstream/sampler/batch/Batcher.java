package io.ectstream.sampler.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Dynamic batching: chunks wait in one queue per {@link BatchKey}; a queue is cut into a batch as soon
 * as it holds maxBatchImages images, or when its oldest chunk has waited maxWaitMs. Batches hold whole
 * chunks in arrival order. Pure logic with the time passed in; the caller drives the timer.
 * <p>
 * Priority: user traffic first. A full user queue is handed out at once by {@link #add}; a full
 * evaluation queue is not, it waits for {@link #next}, which gives a free generator a due user batch if
 * there is one and an evaluation batch (full, or waited maxWaitMs) only otherwise. A user request thus
 * waits behind at most the evaluation batches already running, and evaluation runs whenever no user
 * batch is due (strict priority: under saturating user load evaluation waits).
 */
public final class Batcher {
    private final int maxBatchImages;
    private final long maxWaitMs;
    private final Map<BatchKey, Deque<Waiting>> queues = new LinkedHashMap<>();
    private final Map<BatchKey, Integer> images = new LinkedHashMap<>();

    private record Waiting(Chunk chunk, long since) {}

    public Batcher(int maxBatchImages, long maxWaitMs) {
        if (maxBatchImages < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("max batch must be >= 1 and max wait >= 0");
        }
        this.maxBatchImages = maxBatchImages;
        this.maxWaitMs = maxWaitMs;
    }

    /** Queues a chunk (at most maxBatchImages images) and returns the user batches that became full. */
    public List<Batch> add(BatchKey key, Chunk chunk, long nowMs) {
        if (chunk.count() > maxBatchImages) {
            throw new IllegalArgumentException(
                    "chunk of " + chunk.count() + " images exceeds the max batch " + maxBatchImages);
        }
        queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Waiting(chunk, nowMs));
        images.merge(key, chunk.count(), Integer::sum);
        List<Batch> ready = new ArrayList<>();
        while (!key.evaluation() && images.getOrDefault(key, 0) >= maxBatchImages) {
            ready.add(cut(key));
        }
        return ready;
    }

    /** Cuts every queue whose oldest chunk has waited at least maxWaitMs, entirely. */
    public List<Batch> takeDue(long nowMs) {
        List<Batch> due = new ArrayList<>();
        for (BatchKey key : new ArrayList<>(queues.keySet())) {
            Deque<Waiting> queue = queues.get(key);
            if (queue != null && !queue.isEmpty() && nowMs - queue.peekFirst().since() >= maxWaitMs) {
                while (queues.containsKey(key)) {
                    due.add(cut(key));
                }
            }
        }
        return due;
    }

    /**
     * One batch from the user queue whose oldest chunk has waited longest, if that chunk has waited at least
     * maxWaitMs; used when a generator becomes free, so that queues keep filling while all are busy.
     * Evaluation queues are left alone (see {@link #next}).
     */
    public Optional<Batch> takeOldestDue(long nowMs) {
        return oldest(false, nowMs, false).map(this::cut);
    }

    /**
     * The batch a free generator should run next: the longest-waiting due user queue; else the evaluation
     * queue that is full or waited longest past maxWaitMs; else nothing.
     */
    public Optional<Batch> next(long nowMs) {
        Optional<BatchKey> key = oldest(false, nowMs, false).or(() -> oldest(true, nowMs, true));
        return key.map(this::cut);
    }

    /** The evaluation batch that is full or waited longest past maxWaitMs, if any (evaluation's turn). */
    public Optional<Batch> nextEvaluation(long nowMs) {
        return oldest(true, nowMs, true).map(this::cut);
    }

    private Optional<BatchKey> oldest(boolean evaluation, long nowMs, boolean fullIsDue) {
        BatchKey oldest = null;
        long since = Long.MAX_VALUE;
        for (Map.Entry<BatchKey, Deque<Waiting>> e : queues.entrySet()) {
            if (e.getKey().evaluation() != evaluation) {
                continue;
            }
            long head = e.getValue().peekFirst().since();
            boolean due = nowMs - head >= maxWaitMs || (fullIsDue && images.get(e.getKey()) >= maxBatchImages);
            if (due && head < since) {
                since = head;
                oldest = e.getKey();
            }
        }
        return Optional.ofNullable(oldest);
    }

    /** When the next queue falls due, if any chunk waits. */
    public OptionalLong nextDeadline() {
        return queues.values().stream()
                .filter(q -> !q.isEmpty())
                .mapToLong(q -> q.peekFirst().since() + maxWaitMs)
                .min();
    }

    public int waitingImages() {
        return images.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Images of one purpose still waiting. */
    public int waitingImages(io.ectstream.schemas.TrafficPurpose purpose) {
        return images.entrySet().stream()
                .filter(e -> e.getKey().purpose() == purpose)
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    /** Everything still waiting, as batches (used when shutting down). */
    public List<Batch> drainAll() {
        List<Batch> all = new ArrayList<>();
        for (BatchKey key : new ArrayList<>(queues.keySet())) {
            while (queues.containsKey(key)) {
                all.add(cut(key));
            }
        }
        return all;
    }

    private Batch cut(BatchKey key) {
        Deque<Waiting> queue = queues.get(key);
        List<Chunk> taken = new ArrayList<>();
        int count = 0;
        Iterator<Waiting> it = queue.iterator();
        while (it.hasNext()) {
            Chunk next = it.next().chunk();
            if (!taken.isEmpty() && count + next.count() > maxBatchImages) {
                break;
            }
            taken.add(next);
            count += next.count();
            it.remove();
        }
        int left = images.get(key) - count;
        if (queue.isEmpty()) {
            queues.remove(key);
            images.remove(key);
        } else {
            images.put(key, left);
        }
        return new Batch(key, taken);
    }
}
