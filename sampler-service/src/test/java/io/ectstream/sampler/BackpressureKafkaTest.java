package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.GatedLoader;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator is slower than the offered user load while training writes checkpoints: in each round the generator is
 * held at a gate while two checkpoints are announced one after the other, twelve user requests arrive (three times what
 * the queue bound admits), and the evaluation driver's 1- and 2-step requests for both checkpoints arrive on the
 * evaluation topic (the first checkpoint already superseded by the second). Then the gate opens and the round drains.
 * The deadline clock is the test's: in odd rounds it moves past the deadline while the user requests wait.
 * <p>
 * Every checkpoint's evaluation is answered by that checkpoint, within the stated bound in batches; every user request
 * gets images generated before its deadline, or EXPIRED, or OVERLOADED; the user backlog never passes its bound; and
 * both request topics are consumed to their end after every round.
 */
@BrokerTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BackpressureKafkaTest {
    private static final Logger log = LoggerFactory.getLogger(BackpressureKafkaTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long DEADLINE_MS = 10_000;
    private static final int MAX_BATCH = 4;
    /** Four user requests of four 1-step images. */
    private static final long QUEUE_BOUND = 16;

    private static final int USERS_PER_ROUND = 12;
    private static final int ROUNDS = 4;
    private static final int EVAL_IMAGES = 8;

    @TempDir
    Path dir;

    @Test
    void everyCheckpointIsEvaluatedAndUsersGetImagesInTimeOrAFastRefusal(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        Gate gate = new Gate();
        GatedLoader loader = new GatedLoader(new SeededModelLoader(), gate, clock::get);
        try (SamplerHarness h = new SamplerHarness(kafka, "backpressure", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            SamplerConfig base = h.config("backpressure", MAX_BATCH, 5);
            SamplerConfig config = base.withAdmission(base.admission().withCosts(QUEUE_BOUND, QUEUE_BOUND))
                    .withLimits(new ServingLimits(DEADLINE_MS, QUEUE_BOUND, 4));
            int share = config.batching().userBatchesPerEvaluationBatch();
            try (SamplerService service = SamplerService.start(config, loader, clock::get)) {
                assertTrue(service.awaitRecovery(WAIT));
                Map<String, Long> userSentAt = new HashMap<>();
                Map<Long, String> userByFirstSeed = new HashMap<>();
                for (int round = 1; round <= ROUNDS; round++) {
                    boolean expiring = round % 2 == 1;
                    long older = 20L * round - 10;
                    long newer = 20L * round;
                    gate.close();
                    h.sendCheckpoint(Checkpoints.seeded(store, "run", older, older));
                    h.sendCheckpoint(Checkpoints.seeded(store, "run", newer, newer));
                    Await.until(
                            () -> service.registry().current("run") != null
                                    && service.registry()
                                                    .current("run")
                                                    .version()
                                                    .getStep()
                                            == newer,
                            WAIT,
                            "checkpoint " + newer + " active");
                    int ranBefore = loader.ran().size();

                    for (int i = 0; i < USERS_PER_ROUND; i++) {
                        String id = "user-" + round + "-" + i;
                        long seed = 1000L * round + i;
                        userSentAt.put(id, clock.get());
                        userByFirstSeed.put(NoiseSeeds.forImage(seed, 0), id);
                        h.sendRequest(Requests.request(id, "run", 4, 1, seed).build(), clock.get());
                    }
                    int expectedUsers = round * USERS_PER_ROUND;
                    Await.until(
                            () -> counter(service, "accepted", TrafficPurpose.USER)
                                            + service.metrics().shedCount(TrafficPurpose.USER)
                                    >= expectedUsers,
                            WAIT,
                            "user requests read");
                    // The first user batch reached the generator (and logged the clock) before the clock may move.
                    Await.until(
                            () -> loader.ran().size() > ranBefore, WAIT, "the first user batch holds the generator");

                    List<String> evaluations = new ArrayList<>();
                    for (long step : List.of(older, newer)) {
                        for (int steps = 1; steps <= 2; steps++) {
                            String id = "eval:run@" + step + ":ect" + steps;
                            evaluations.add(id);
                            h.sendEvaluationRequest(
                                    Requests.request(id, "run", EVAL_IMAGES, steps, 7_000_000L + 10 * step + steps)
                                            .setModel(new ModelSelector("run", step))
                                            .setPurpose(TrafficPurpose.EVALUATION)
                                            .build(),
                                    clock.get());
                        }
                    }
                    int expectedEvaluations = 4 * round;
                    Await.until(
                            () -> counter(service, "accepted", TrafficPurpose.EVALUATION)
                                            + counter(service, "rejected", TrafficPurpose.EVALUATION)
                                    >= expectedEvaluations,
                            WAIT,
                            "evaluation requests read");
                    if (expiring) {
                        clock.addAndGet(DEADLINE_MS + 1); // the queued user requests wait past their deadline
                    }
                    gate.open();

                    kafka.awaitCaughtUp(
                            config.kafka().groupId(),
                            List.of(config.kafka().topics().requests()),
                            WAIT);
                    kafka.awaitCaughtUp(
                            config.kafka().evaluationGroupId(),
                            List.of(config.kafka().evaluationRequestsTopic()),
                            WAIT);
                    Map<String, List<GenerationResult>> answered = byRequest(results.readToEnd());
                    Map<String, List<ErrorCode>> refused = new HashMap<>();
                    errors.readToEnd()
                            .forEach(e -> refused.computeIfAbsent(e.value().getRequestId(), k -> new ArrayList<>())
                                    .add(e.value().getCode()));

                    // Users: four admitted (one on the generator, three queued: the bound), eight refused at once.
                    int overloaded = 0;
                    int expired = 0;
                    int served = 0;
                    for (int i = 0; i < USERS_PER_ROUND; i++) {
                        String id = "user-" + round + "-" + i;
                        List<ErrorCode> codes = refused.getOrDefault(id, List.of());
                        List<GenerationResult> images = answered.getOrDefault(id, List.of());
                        assertEquals(
                                1,
                                codes.size() + images.size(),
                                id + " is answered once: " + codes + ", " + images.size() + " results");
                        if (images.isEmpty()) {
                            overloaded += codes.get(0) == ErrorCode.OVERLOADED ? 1 : 0;
                            expired += codes.get(0) == ErrorCode.EXPIRED ? 1 : 0;
                        } else {
                            served++;
                        }
                    }
                    log.info(
                            "round {}: users served {}, expired {}, overloaded {}", round, served, expired, overloaded);
                    assertEquals(USERS_PER_ROUND - 4, overloaded, "round " + round);
                    assertEquals(expiring ? 3 : 0, expired, "round " + round);
                    assertEquals(expiring ? 1 : 4, served, "round " + round);

                    // Evaluation: every checkpoint, the superseded one too, answered by its own step.
                    for (String id : evaluations) {
                        assertEquals(List.of(), refused.getOrDefault(id, List.of()), id);
                        List<GenerationResult> chunks = answered.getOrDefault(id, List.of());
                        assertEquals(2, chunks.size(), id);
                        long step = Long.parseLong(id.substring(id.indexOf('@') + 1, id.lastIndexOf(':')));
                        assertTrue(
                                chunks.stream()
                                        .allMatch(c -> c.getModelVersion().getStep() == step),
                                id);
                    }

                    // Bound: the j-th evaluation batch (from 1) is among the first (share + 1) * j + 1 batches of the
                    // round.
                    List<GatedLoader.Ran> round_ =
                            loader.ran().subList(ranBefore, loader.ran().size());
                    int j = 0;
                    for (int position = 1; position <= round_.size(); position++) {
                        GatedLoader.Ran ran = round_.get(position - 1);
                        String user = userByFirstSeed.get(ran.firstSeed());
                        if (user == null) {
                            j++;
                            assertTrue(
                                    position <= (share + 1) * j + 1,
                                    "evaluation batch " + j + " ran as batch " + position);
                        } else {
                            assertTrue(
                                    ran.clockMillis() <= userSentAt.get(user) + DEADLINE_MS,
                                    user + " generated after its deadline");
                        }
                    }
                    assertEquals(2 * evaluations.size(), j, "evaluation batches in round " + round);
                    assertTrue(
                            service.backlog().maxCost(TrafficPurpose.USER) <= QUEUE_BOUND,
                            "user backlog peaked at " + service.backlog().maxCost(TrafficPurpose.USER));
                }
                assertEquals(QUEUE_BOUND, service.backlog().maxCost(TrafficPurpose.USER));
                assertEquals(0, service.backlog().requests(TrafficPurpose.USER));
                String metrics = service.metrics().scrape();
                assertTrue(metrics.contains("ect_sampler_queue_cost_max{purpose=\"USER\"} 16.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_requests_shed_total{purpose=\"USER\"} 32.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_requests_expired_total{purpose=\"USER\"} 6.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_requests_shed_total{purpose=\"EVALUATION\"} 0.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_queue_requests{purpose=\"USER\"} 0.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_queue_cost{purpose=\"EVALUATION\"} 0.0"), metrics);
                assertTrue(metrics.contains("ect_sampler_queue_oldest_age_seconds{purpose=\"USER\"} 0.0"), metrics);

                // A request whose record is older than its deadline is refused when it is read, never queued.
                h.sendRequest(
                        Requests.request("stale", "run", 1, 1, 5)
                                .setDeadlineMs(2_000L)
                                .build(),
                        clock.get() - 2_000);
                kafka.awaitCaughtUp(
                        config.kafka().groupId(),
                        List.of(config.kafka().topics().requests()),
                        WAIT);
                List<TopicReader.Read<GenerationError>> stale = errors.readToEnd().stream()
                        .filter(e -> "stale".equals(e.value().getRequestId()))
                        .toList();
                assertEquals(1, stale.size());
                assertEquals(ErrorCode.EXPIRED, stale.get(0).value().getCode());
                assertTrue(
                        stale.get(0).value().getReason().contains("before it was read"),
                        stale.get(0).value().getReason());
            }
        }
    }

    private static Map<String, List<GenerationResult>> byRequest(List<TopicReader.Read<GenerationResult>> reads) {
        Map<String, List<GenerationResult>> by = new HashMap<>();
        reads.forEach(r -> by.computeIfAbsent(r.value().getRequestId(), k -> new ArrayList<>())
                .add(r.value()));
        return by;
    }

    private static double counter(SamplerService service, String outcome, TrafficPurpose purpose) {
        return service.metrics()
                .registry()
                .counter("ect.sampler.requests", "outcome", outcome, "purpose", purpose.name())
                .count();
    }
}
