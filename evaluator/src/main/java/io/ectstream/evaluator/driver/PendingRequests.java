package io.ectstream.evaluator.driver;

import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Evaluation requests the driver waits on, each with the record its last copy was written to. An error
 * answers a request only when it names that exact record (topic, partition, offset) and no re-send is
 * scheduled yet: a forged error, an error for a copy someone else sent under the same id, or a second error
 * for the same copy changes nothing. A request the sampler could not serve yet is re-sent after a delay that
 * doubles with every re-send, until {@code retryWindowMs} after its first send; entries leave after
 * {@code retryWindowMs} without a send. Time is passed in.
 */
final class PendingRequests {
    private static final class Entry {
        final GenerationRequest request;
        final String checkpoint;
        final long firstSentMs;
        long lastSentMs;
        long retryAtMs = Long.MAX_VALUE;
        int attempts = 1;
        Future<RecordMetadata> copy;

        Entry(GenerationRequest request, Future<RecordMetadata> copy, long sentMs) {
            this.request = request;
            this.checkpoint = EvaluationRequests.checkpointOf(request);
            this.copy = copy;
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

    void sent(GenerationRequest request, Future<RecordMetadata> copy, long nowMs) {
        entries.put(request.getRequestId(), new Entry(request, copy, nowMs));
    }

    /** The request {@code error} answers, or null when it answers none of ours (see the class comment). */
    GenerationRequest answeredBy(GenerationError error) {
        Entry e = error.getRequestId() == null ? null : entries.get(error.getRequestId());
        if (e == null || e.retryAtMs != Long.MAX_VALUE || !e.copy.isDone()) {
            return null;
        }
        RecordMetadata written;
        try {
            written = e.copy.get();
        } catch (ExecutionException | InterruptedException notWritten) {
            return null;
        }
        boolean same = Objects.equals(error.getSourceTopic(), written.topic())
                && Objects.equals(error.getSourcePartition(), written.partition())
                && Objects.equals(error.getSourceOffset(), written.offset());
        return same ? e.request : null;
    }

    /**
     * Schedules a re-send after the retry delay doubled per earlier re-send; false (nothing scheduled) when
     * that would fall after the retry window since the first send.
     */
    boolean retryLater(String requestId, long nowMs) {
        Entry e = entries.get(requestId);
        if (e == null) {
            return false;
        }
        long delay = retryDelayMs << Math.min(e.attempts - 1, 30);
        if (nowMs + delay - e.firstSentMs > retryWindowMs) {
            return false;
        }
        e.retryAtMs = nowMs + delay;
        return true;
    }

    /** A re-send of a request returned by {@link #due}: from now on only errors for this copy count. */
    void resent(String requestId, Future<RecordMetadata> copy) {
        Entry e = entries.get(requestId);
        if (e != null) {
            e.copy = copy;
        }
    }

    int attempts(String requestId) {
        Entry e = entries.get(requestId);
        return e == null ? 0 : e.attempts;
    }

    void drop(String requestId) {
        entries.remove(requestId);
    }

    /** Drops every request of the checkpoint ({@code <run>@<step>}); how many there were. */
    int dropCheckpoint(String checkpoint) {
        int before = entries.size();
        entries.values().removeIf(e -> e.checkpoint.equals(checkpoint));
        return before - entries.size();
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
