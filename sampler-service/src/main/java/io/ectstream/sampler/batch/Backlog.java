package io.ectstream.sampler.batch;

import io.ectstream.schemas.TrafficPurpose;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The work accepted and not yet generated (queued, or on a generator), per purpose: how many requests, their cost in
 * network evaluations, the highest cost seen, and since when the oldest waits. The pipeline changes it on its event
 * loop; gauges read it from any thread.
 */
public final class Backlog {
    private final Map<TrafficPurpose, LinkedHashMap<GenerationJob, Long>> jobs = new EnumMap<>(TrafficPurpose.class);
    private final Map<TrafficPurpose, Long> cost = new EnumMap<>(TrafficPurpose.class);
    private final Map<TrafficPurpose, Long> maxCost = new EnumMap<>(TrafficPurpose.class);

    public synchronized void add(TrafficPurpose purpose, GenerationJob job, long jobCost) {
        if (jobs.computeIfAbsent(purpose, p -> new LinkedHashMap<>()).putIfAbsent(job, jobCost) == null) {
            long now = cost.merge(purpose, jobCost, Long::sum);
            maxCost.merge(purpose, now, Math::max);
        }
    }

    /** Takes a job out (idempotent). */
    public synchronized void remove(TrafficPurpose purpose, GenerationJob job) {
        Long jobCost = jobs.getOrDefault(purpose, new LinkedHashMap<>()).remove(job);
        if (jobCost != null) {
            cost.merge(purpose, -jobCost, Long::sum);
        }
    }

    public synchronized int requests(TrafficPurpose purpose) {
        return jobs.getOrDefault(purpose, new LinkedHashMap<>()).size();
    }

    public synchronized long cost(TrafficPurpose purpose) {
        return cost.getOrDefault(purpose, 0L);
    }

    /** The highest {@link #cost} so far. */
    public synchronized long maxCost(TrafficPurpose purpose) {
        return maxCost.getOrDefault(purpose, 0L);
    }

    /** Milliseconds the oldest request waits (from when it was received), 0 when none does. */
    public synchronized long oldestAgeMs(TrafficPurpose purpose, long nowMillis) {
        var waiting = jobs.get(purpose);
        if (waiting == null || waiting.isEmpty()) {
            return 0;
        }
        long oldest = waiting.keySet().stream()
                .mapToLong(GenerationJob::receivedAtMillis)
                .min()
                .orElse(nowMillis);
        return Math.max(0, nowMillis - oldest);
    }
}
