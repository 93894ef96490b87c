package io.ectstream.evaluator.driver;

import io.ectstream.schemas.GenerationRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Evaluation requests sent recently, kept to be re-sent when the sampler rejects them because it does not
 * serve their checkpoint yet. Retries stop {@code retryWindowMs} after the first send; entries leave after
 * {@code retryWindowMs} without a send. Time is passed in.
 */
final class PendingRequests {
    private static final class Entry {
        final GenerationRequest request;
        final long firstSentMs;
        long lastSentMs;
        long retryAtMs = Long.MAX_VALUE;
        int attempts = 1;

        Entry(GenerationRequest request, long sentMs) {
            this.request = request;
            this.firstSentMs = sentMs;
            this.lastSentMs = sentMs;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final long retryDelayMs;
    private final long retryWindowMs;

    PendingRequests(long retryDelayMs, long retryWindowMs) {
        this.retryDelayMs = retryDelayMs;
        this.retryWindowMs = retryWindowMs;
    }

    void sent(GenerationRequest request, long nowMs) {
        entries.put(request.getRequestId(), new Entry(request, nowMs));
    }

    GenerationRequest get(String requestId) {
        Entry e = entries.get(requestId);
        return e == null ? null : e.request;
    }

    /** Schedules a re-send after the retry delay; false (and the entry dropped) once the retry window since the first send is over. */
    boolean retryLater(String requestId, long nowMs) {
        Entry e = entries.get(requestId);
        if (e == null) {
            return false;
        }
        if (nowMs - e.firstSentMs > retryWindowMs) {
            entries.remove(requestId);
            return false;
        }
        e.retryAtMs = nowMs + retryDelayMs;
        return true;
    }

    int attempts(String requestId) {
        Entry e = entries.get(requestId);
        return e == null ? 0 : e.attempts;
    }

    void drop(String requestId) {
        entries.remove(requestId);
    }

    /** Requests whose retry is due (now counted as sent again); entries past the retry window are dropped. */
    List<GenerationRequest> due(long nowMs) {
        List<GenerationRequest> due = new ArrayList<>();
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.retryAtMs <= nowMs) {
                e.retryAtMs = Long.MAX_VALUE;
                e.lastSentMs = nowMs;
                e.attempts++;
                due.add(e.request);
            } else if (e.retryAtMs == Long.MAX_VALUE && nowMs - e.lastSentMs > retryWindowMs) {
                it.remove();
            }
        }
        return due;
    }

    int size() {
        return entries.size();
    }
}
