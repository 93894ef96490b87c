package io.ectstream.sampler.support;

import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one-image requests ({@code prefix-0}, {@code prefix-1}, ...) on a thread of its own, one after the other
 * (each send waits for the broker's acknowledgement), until stopped; then counts how they were answered.
 */
public final class RequestStream implements AutoCloseable {
    /** How the requests of one stream were answered. */
    public record Answers(int sent, int answered, int results, int duplicates, Set<String> answeredTwiceDifferently) {}

    private final SamplerHarness harness;
    private final String prefix;
    private final String runId;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;

    public RequestStream(SamplerHarness harness, String prefix, String runId) {
        this.harness = harness;
        this.prefix = prefix;
        this.runId = runId;
        this.thread = new Thread(this::run, "request-stream-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running.get()) {
            int i = sent.get();
            harness.sendRequest(
                    Requests.request(prefix + "-" + i, runId, 1, 1, i).build());
            sent.incrementAndGet();
        }
    }

    public int sent() {
        return sent.get();
    }

    /** Stops sending and returns how many requests were sent. */
    public int stop() throws InterruptedException {
        running.set(false);
        thread.join();
        return sent.get();
    }

    /** Whether every sent request of this stream has a result or an error among those read. */
    public boolean allAnswered(
            List<TopicReader.Read<GenerationResult>> results, List<TopicReader.Read<GenerationError>> errors) {
        Set<String> ids = new HashSet<>();
        results.forEach(r -> ids.add(r.value().getRequestId()));
        errors.forEach(e -> ids.add(e.value().getRequestId()));
        for (int i = 0; i < sent.get(); i++) {
            if (!ids.contains(prefix + "-" + i)) {
                return false;
            }
        }
        return true;
    }

    /** Counts the answers of this stream's requests; answeredTwiceDifferently: ids with both an error and a result. */
    public Answers count(
            List<TopicReader.Read<GenerationResult>> results, List<TopicReader.Read<GenerationError>> errors) {
        Map<String, Integer> perRequest = new HashMap<>();
        results.stream()
                .map(r -> r.value().getRequestId())
                .filter(this::mine)
                .forEach(id -> perRequest.merge(id, 1, Integer::sum));
        Set<String> erred = new HashSet<>();
        errors.stream()
                .map(e -> e.value().getRequestId())
                .filter(id -> id != null && mine(id))
                .forEach(erred::add);
        Set<String> both = new HashSet<>(erred);
        both.retainAll(perRequest.keySet());
        int total = perRequest.values().stream().mapToInt(Integer::intValue).sum();
        List<String> answered = new ArrayList<>(perRequest.keySet());
        answered.addAll(erred);
        return new Answers(sent.get(), new HashSet<>(answered).size(), total, total - perRequest.size(), both);
    }

    private boolean mine(String id) {
        return id.startsWith(prefix + "-");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
