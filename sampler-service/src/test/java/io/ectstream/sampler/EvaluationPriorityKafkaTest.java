package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.GatedLoader;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.SlowModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation traffic runs at a lower priority than user traffic, but is not starved: user requests sent while a large
 * evaluation is queued finish about as fast as without it, and the evaluation is still answered in full.
 * The model costs 1 ms per image, so the evaluation (40 requests x 100 images) is ~4 s of forward passes:
 * a user request queued behind it (no priority) would take seconds, not tens of milliseconds.
 */
@BrokerTest
class EvaluationPriorityKafkaTest {
    private static final Logger log = LoggerFactory.getLogger(EvaluationPriorityKafkaTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int EVAL_REQUESTS = 40;
    private static final int EVAL_IMAGES = 100;
    private static final int USER_REQUESTS = 5;

    @TempDir
    Path dir;

    @Test
    void userRequestsDuringALargeEvaluationKeepTheirLatencyAndTheEvaluationStillFinishes(KafkaCluster kafka)
            throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "priority", store, 1);
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            // In-flight budget of 8 user requests: a 40-request evaluation counted against it would block user reads.
            SamplerConfig config = config(h, "priority", 8);
            try (SamplerService service = SamplerService.start(config, new SlowModelLoader(1.0))) {
                assertTrue(service.awaitRecovery(WAIT));
                Map<String, Long> answeredAt = new HashMap<>();
                Map<String, Integer> chunksSeen = new HashMap<>();

                userRound(h, results, "warm-up", answeredAt, chunksSeen);
                List<Long> alone = userRound(h, results, "alone", answeredAt, chunksSeen);

                for (int i = 0; i < EVAL_REQUESTS; i++) {
                    h.sendEvaluationRequest(Requests.request("eval-" + i, "run", EVAL_IMAGES, 1, 1000 + i)
                            .setPurpose(TrafficPurpose.EVALUATION)
                            .build());
                }
                awaitAccepted(service, TrafficPurpose.EVALUATION, EVAL_REQUESTS); // the evaluation is queued first
                List<Long> during = userRound(h, results, "during", answeredAt, chunksSeen);
                double evalImagesWhenUsersDone = service.metrics().images(TrafficPurpose.EVALUATION);

                long p50Alone = median(alone);
                long p50During = median(during);
                log.info(
                        "user latency p50 alone {} ms {}, during the evaluation {} ms {}; evaluation images done then: {}",
                        p50Alone,
                        alone,
                        p50During,
                        during,
                        evalImagesWhenUsersDone);
                assertTrue(
                        evalImagesWhenUsersDone < EVAL_REQUESTS * EVAL_IMAGES,
                        "the user requests ran while the evaluation was still going (" + evalImagesWhenUsersDone
                                + " images done)");

                // The evaluation queued behind the user requests is still answered in full.
                results.awaitUntil(
                        r -> {
                            track(r, answeredAt, chunksSeen);
                            return java.util.stream.IntStream.range(0, EVAL_REQUESTS)
                                    .allMatch(i -> answeredAt.containsKey("eval-" + i));
                        },
                        WAIT);
                // A request's latency is recorded when its last chunk's send is acknowledged, which can trail
                // the chunk's arrival at this test's reader by a moment.
                long metricsDeadline =
                        System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (service.metrics()
                                        .requestLatencyTimer(TrafficPurpose.EVALUATION)
                                        .count()
                                < EVAL_REQUESTS
                        && System.nanoTime() < metricsDeadline) {
                    Thread.sleep(10);
                }
                assertEquals(EVAL_REQUESTS * EVAL_IMAGES, service.metrics().images(TrafficPurpose.EVALUATION), 0.0);
                assertEquals(3 * USER_REQUESTS * 4, service.metrics().images(TrafficPurpose.USER), 0.0);
                assertEquals(
                        EVAL_REQUESTS,
                        service.metrics()
                                .requestLatencyTimer(TrafficPurpose.EVALUATION)
                                .count());
                assertEquals(
                        3 * USER_REQUESTS,
                        service.metrics()
                                .requestLatencyTimer(TrafficPurpose.USER)
                                .count());
                String text = service.metrics().scrape();
                assertTrue(
                        text.contains("ect_sampler_requests_total{outcome=\"accepted\",purpose=\"EVALUATION\"} 40.0"),
                        text);
                assertTrue(
                        text.contains("ect_sampler_requests_total{outcome=\"accepted\",purpose=\"USER\"} 15.0"), text);
                assertTrue(
                        service.metrics()
                                        .requestLatencyTimer(TrafficPurpose.EVALUATION)
                                        .max(TimeUnit.MILLISECONDS)
                                > service.metrics()
                                        .requestLatencyTimer(TrafficPurpose.USER)
                                        .max(TimeUnit.MILLISECONDS),
                        "evaluation latency is kept apart from user latency");
            }
        }
    }

    /**
     * Under saturating user load strict priority would answer an evaluation only after every queued user request.
     * The generator is held at a gate while 40 full user batches and 5 evaluation batches queue up behind the
     * first batch; once it opens, an evaluation batch runs after every 4 user batches (the default share), so
     * the evaluation is done after 20 user batches, not 41. The order is the generator's own (its batches' first
     * seeds): results can reach the topic out of order, since encoders run in parallel.
     */
    @Test
    void evaluationKeepsItsShareUnderSaturatingUserLoad(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        int users = 40;
        int evaluations = 5;
        Gate gate = new Gate();
        gate.close();
        try (SamplerHarness h = new SamplerHarness(kafka, "share", store, 1);
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            SamplerConfig config = config(h, "share", 256);
            assertEquals(
                    Batching.DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH,
                    config.batching().userBatchesPerEvaluationBatch());
            GatedLoader loader = new GatedLoader(new SeededModelLoader(), gate);
            try (SamplerService service = SamplerService.start(config, loader)) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("first", "run", 16, 1, 0).build());
                assertTrue(gate.awaitEntered(WAIT.toMillis()), "the first batch holds the generator");
                for (int i = 0; i < users; i++) {
                    h.sendRequest(
                            Requests.request("user-" + i, "run", 16, 1, i + 1).build());
                }
                for (int i = 0; i < evaluations; i++) {
                    h.sendEvaluationRequest(Requests.request("eval-" + i, "run", 16, 1, 1000 + i)
                            .setPurpose(TrafficPurpose.EVALUATION)
                            .build());
                }
                awaitAccepted(service, TrafficPurpose.USER, users + 1);
                awaitAccepted(service, TrafficPurpose.EVALUATION, evaluations);
                gate.open();

                results.awaitCount(users + evaluations + 1, WAIT);
                Set<Long> evaluationSeeds = new HashSet<>();
                for (int i = 0; i < evaluations; i++) {
                    evaluationSeeds.add(NoiseSeeds.forImage(1000 + i, 0));
                }
                List<Long> order = loader.loaded().get(0).firstSeeds();
                List<Integer> evaluationPositions = new ArrayList<>();
                for (int i = 0; i < order.size(); i++) {
                    if (evaluationSeeds.contains(order.get(i))) {
                        evaluationPositions.add(i);
                    }
                }
                log.info("evaluation batches ran at positions {} of {}", evaluationPositions, order.size());
                assertEquals(evaluations, evaluationPositions.size());
                // first, 3 users, eval, then (4 users, eval) x 4: evaluations at 4, 9, 14, 19, 24
                assertEquals(
                        List.of(4, 9, 14, 19, 24),
                        evaluationPositions,
                        "evaluation batches' positions among " + order.size());
            }
        }
    }

    /** Batches of 16, 5 ms wait, 256 images per request, one generator, no HTTP; the given user in-flight budget. */
    private static SamplerConfig config(SamplerHarness h, String groupId, int maxInFlightRequests) {
        SamplerConfig base = h.config(groupId, 16, 5);
        Admission admission = base.admission();
        return base.withAdmission(new Admission(
                256,
                maxInFlightRequests,
                admission.maxInFlightEvaluationRequests(),
                admission.maxRequestCost(),
                admission.maxHttpInFlightCost(),
                admission.replyTopicPrefix(),
                admission.replyTopics()));
    }

    private static void awaitAccepted(SamplerService service, TrafficPurpose purpose, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        var accepted = service.metrics()
                .registry()
                .counter("ect.sampler.requests", "outcome", "accepted", "purpose", purpose.name());
        while (accepted.count() < count) {
            assertTrue(
                    System.nanoTime() < deadline,
                    "only " + accepted.count() + " of " + count + " " + purpose + " requests read");
            Thread.sleep(10);
        }
    }

    /**
     * Sends USER_REQUESTS user requests together (4 images each) and returns each one's latency. Sent together,
     * so that without priority every one of them would wait behind the queued evaluation, not just the first.
     */
    private static List<Long> userRound(
            SamplerHarness h,
            TopicReader<GenerationResult> results,
            String name,
            Map<String, Long> answeredAt,
            Map<String, Integer> chunksSeen) {
        List<String> ids = new ArrayList<>();
        long sent = System.nanoTime();
        for (int i = 0; i < USER_REQUESTS; i++) {
            ids.add(name + "-" + i);
            h.sendRequest(Requests.request(name + "-" + i, "run", 4, 1, i).build());
        }
        results.awaitUntil(
                r -> {
                    track(r, answeredAt, chunksSeen);
                    return ids.stream().allMatch(answeredAt::containsKey);
                },
                WAIT);
        return ids.stream()
                .map(id -> TimeUnit.NANOSECONDS.toMillis(answeredAt.get(id) - sent))
                .toList();
    }

    /** Notes when each request's last chunk was read (nanoTime), for the results read since the last call. */
    private static void track(
            List<TopicReader.Read<GenerationResult>> reads,
            Map<String, Long> answeredAt,
            Map<String, Integer> chunksSeen) {
        long now = System.nanoTime();
        int seen = chunksSeen.getOrDefault("", 0);
        for (TopicReader.Read<GenerationResult> read : reads.subList(seen, reads.size())) {
            GenerationResult r = read.value();
            int chunks = chunksSeen.merge(r.getRequestId(), 1, Integer::sum);
            if (chunks == r.getChunkCount()) {
                answeredAt.putIfAbsent(r.getRequestId(), now);
            }
        }
        chunksSeen.put("", reads.size());
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
