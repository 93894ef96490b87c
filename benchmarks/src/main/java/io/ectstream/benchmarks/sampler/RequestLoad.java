package io.ectstream.benchmarks.sampler;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.client.GenerationClient;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.records.GenerationRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's client side: requests for the benchmark checkpoint sent through Kafka, with the round-trip time of
 * every answered request of the measured rounds and the answers that came more than once (request ids are unique
 * over the whole run, so a late duplicate is seen in any later round).
 */
final class RequestLoad {
    static final String RUN_ID = "bench";

    private final GenerationClient client;
    private final SamplerBenchmark.Settings s;
    private final SamplerSettings sampler;
    private final Map<String, Long> sentAt = new HashMap<>();
    private final Set<String> answered = new HashSet<>();
    private final List<Double> measuredMs = new ArrayList<>();
    private long duplicates;

    RequestLoad(GenerationClient client, SamplerBenchmark.Settings s, SamplerSettings sampler) {
        this.client = client;
        this.s = s;
        this.sampler = sampler;
    }

    /**
     * Keeps {@code window} requests in flight until {@code count} are answered; images per second.
     *
     * @param measured whether their round-trip times count (not for warmup)
     */
    double throughput(int count, String tag, boolean measured) {
        long t0 = System.nanoTime();
        int sent = 0;
        int done = 0;
        while (done < count) {
            while (sent < count && sent - done < s.window()) {
                String id = tag + "-" + sent;
                sentAt.put(id, System.nanoTime());
                client.sendAsync(request(id, s.imagesPerRequest(), sent));
                sent++;
            }
            for (String id : client.poll(Duration.ofMillis(50))) {
                GenerationClient.Answer answer = client.answer(id).orElseThrow();
                if (!answer.ok()) {
                    throw new IllegalStateException(
                            "request " + id + " failed: " + answer.error().getReason());
                }
                if (!answered.add(id)) {
                    duplicates++;
                    continue;
                }
                if (measured) {
                    measuredMs.add((System.nanoTime() - sentAt.get(id)) / 1e6);
                }
                if (id.startsWith(tag + "-")) {
                    done++;
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return (double) count * s.imagesPerRequest() / seconds;
    }

    /** Round-trip times of 1-image requests sent one at a time, in milliseconds. */
    double[] oneAtATime() {
        double[] ms = new double[s.latencyRequests()];
        for (int i = 0; i < ms.length; i++) {
            String id = "latency-" + i;
            long t0 = System.nanoTime();
            client.sendAsync(request(id, 1, 10_000 + i));
            client.await(id, Duration.ofSeconds(60));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    /**
     * Sends probes (8 per sampler process, spread over the partitions by their keys) until a model answers every one:
     * external samplers answer errors until they loaded the checkpoint.
     */
    void awaitServed(int processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int probes = 8 * processes;
        for (int attempt = 0; ; attempt++) {
            int ok = 0;
            String lastError = "";
            for (int i = 0; i < probes; i++) {
                client.sendAsync(request("probe-" + attempt + "-" + i, 1, i));
            }
            for (int i = 0; i < probes; i++) {
                GenerationClient.Answer a = client.await("probe-" + attempt + "-" + i, timeout);
                if (a.ok()) {
                    ok++;
                } else {
                    lastError = a.error().getReason().toString();
                }
            }
            if (ok == probes) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the samplers did not serve the benchmark checkpoint within " + timeout + ": " + lastError);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Round-trip times of the measured requests, in milliseconds. */
    double[] measuredMs() {
        return measuredMs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Answers that came again for a request already answered. */
    long duplicates() {
        return duplicates;
    }

    private GenerationRequest request(String id, int images, long seed) {
        return GenerationRequests.request(id, RUN_ID, null)
                .numImages(images)
                .steps(sampler.steps())
                .seed(seed)
                .format(s.format())
                .build(Instant.now());
    }
}
