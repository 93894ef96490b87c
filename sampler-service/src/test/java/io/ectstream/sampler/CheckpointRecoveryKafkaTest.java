package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.TinyCheckpoints;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart recovery with real checkpoints (core's loader): a run keeps the newest checkpoint that is accepted, not
 * merely the newest event, and an event whose step is not the step its file records is rejected, so that an event
 * claiming step Long.MAX_VALUE can never make every later checkpoint of its run look older.
 */
@BrokerTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CheckpointRecoveryKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aRestartWhoseNewestEventIsRejectedServesThePreviousCheckpoint(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "fallback", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(TinyCheckpoints.write(store, "run", 10, 1));
            CheckpointEvent missing = TinyCheckpoints.write(store, "run", 20, 2);
            Files.delete(store.resolve(missing.getCheckpointUri()));
            h.sendCheckpoint(missing);
            CheckpointEvent tampered = TinyCheckpoints.write(store, "run", 30, 3);
            tampered.setSha256("ab".repeat(32));
            h.sendCheckpoint(tampered);
            try (SamplerService service =
                    SamplerService.start(h.config("fallback", 8, 5), new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(service.awaitRecovery(WAIT));
                assertEquals(
                        10L, service.registry().current("run").version().getStep(), "the newest accepted checkpoint");
                h.sendRequest(Requests.request("served", "run", 1, 1, 1L).build());
                GenerationResult result = results.awaitCount(1, WAIT).get(0).value();
                assertEquals("served", result.getRequestId());
                assertEquals(10L, result.getModelVersion().getStep());
                List<GenerationError> rejected = errors.awaitCount(2, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                assertTrue(
                        rejected.stream().allMatch(e -> e.getCode() == ErrorCode.CHECKPOINT_REJECTED),
                        rejected.toString());
                assertTrue(
                        rejected.get(0).getReason().contains("run@30"),
                        rejected.get(0).getReason());
                assertTrue(
                        rejected.get(1).getReason().contains("run@20"),
                        rejected.get(1).getReason());
            }
        }
    }

    /**
     * Issue 21: with three recent versions per run, a restart loads the three newest accepted checkpoints, so an
     * evaluation of a superseded step still pending when the sampler restarted is answered by that step; the
     * rejected step in between is answered CHECKPOINT_REJECTED, naming it.
     */
    @Test
    void aRestartKeepsTheRecentVersionsForRequestsNamingTheirStep(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "recent", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            for (long step = 10; step <= 50; step += 10) {
                CheckpointEvent event = TinyCheckpoints.write(store, "run", step, step);
                if (step == 40) {
                    event.setSha256("ab".repeat(32));
                }
                h.sendCheckpoint(event);
            }
            SamplerConfig config = h.config("recent", 8, 5).withLimits(new ServingLimits(0, Long.MAX_VALUE, 3));
            try (SamplerService service = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(service.awaitRecovery(WAIT));
                assertEquals(50L, service.registry().current("run").version().getStep());
                assertEquals(
                        List.of(30L, 20L),
                        service.registry().keptSteps("run"),
                        "40 was rejected, 10 is beyond three versions");
                h.sendEvaluationRequest(Requests.request("eval-20", "run", 1, 1, 1L)
                        .setModel(new io.ectstream.schemas.ModelSelector("run", 20L))
                        .setPurpose(io.ectstream.schemas.TrafficPurpose.EVALUATION)
                        .build());
                h.sendEvaluationRequest(Requests.request("eval-40", "run", 1, 1, 1L)
                        .setModel(new io.ectstream.schemas.ModelSelector("run", 40L))
                        .setPurpose(io.ectstream.schemas.TrafficPurpose.EVALUATION)
                        .build());
                GenerationResult result = results.awaitCount(1, WAIT).get(0).value();
                assertEquals("eval-20", result.getRequestId());
                assertEquals(20L, result.getModelVersion().getStep());
                GenerationError rejected = errors
                        .awaitUntil(
                                r -> r.stream()
                                        .anyMatch(
                                                e -> "eval-40".equals(e.value().getRequestId())),
                                WAIT)
                        .stream()
                        .map(TopicReader.Read::value)
                        .filter(e -> "eval-40".equals(e.getRequestId()))
                        .findFirst()
                        .orElseThrow();
                assertEquals(ErrorCode.CHECKPOINT_REJECTED, rejected.getCode());
                assertTrue(rejected.getReason().contains("run@40 was rejected"), rejected.getReason());
            }
        }
    }

    @Test
    void aStepItsFileDoesNotRecordIsRejectedAndALaterRealStepIsServedAlsoAfterARestart(KafkaCluster kafka)
            throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "absurd", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            CheckpointEvent first = TinyCheckpoints.write(store, "run", 10, 1);
            h.sendCheckpoint(first);
            SamplerConfig config = h.config("absurd", 8, 5);
            try (SamplerService service = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(service.awaitRecovery(WAIT));
                CheckpointEvent pinning = CheckpointEvent.newBuilder(first)
                        .setStep(Long.MAX_VALUE)
                        .build();
                h.sendCheckpoint(pinning);
                CheckpointEvent negative =
                        CheckpointEvent.newBuilder(first).setStep(-5).build();
                h.sendCheckpoint(negative);
                List<GenerationError> rejected = errors.awaitCount(2, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                assertEquals(ErrorCode.CHECKPOINT_REJECTED, rejected.get(0).getCode());
                assertTrue(
                        rejected.get(0).getReason().contains("records step 10, expected step " + Long.MAX_VALUE),
                        rejected.get(0).getReason());
                assertTrue(
                        rejected.get(1).getReason().contains("negative"),
                        rejected.get(1).getReason());

                h.sendCheckpoint(TinyCheckpoints.write(store, "run", 20, 2));
                awaitStep(service, 20L);
                h.sendRequest(
                        Requests.request("before-restart", "run", 1, 1, 1L).build());
                assertEquals(
                        20L,
                        results.awaitCount(1, WAIT)
                                .get(0)
                                .value()
                                .getModelVersion()
                                .getStep());
            }
            try (SamplerService restarted = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(restarted.awaitRecovery(WAIT));
                assertEquals(20L, restarted.registry().current("run").version().getStep());
                h.sendRequest(Requests.request("after-restart", "run", 1, 1, 1L).build());
                GenerationResult after = results.awaitCount(2, WAIT).get(1).value();
                assertEquals("after-restart", after.getRequestId());
                assertEquals(20L, after.getModelVersion().getStep());
            }
        }
    }

    /**
     * Issue 32: (run, step) names one file forever. A second announcement of a served step that points at another
     * file (a valid SHA-256 of that file) is refused with an error naming both SHA-256s: live, and again after a
     * restart, where the first announcement keeps serving.
     */
    @Test
    void aConflictingAnnouncementOfAServedStepIsRefusedLiveAndAfterARestart(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "identity", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            CheckpointEvent first = TinyCheckpoints.write(store, "run", 12, 1);
            CheckpointEvent other = CheckpointEvent.newBuilder(TinyCheckpoints.write(store, "elsewhere", 12, 2))
                    .setRunId("run")
                    .build();
            h.sendCheckpoint(first);
            SamplerConfig config = h.config("identity", 8, 5);
            String both = "SHA-256 " + other.getSha256() + " (elsewhere/tiny-12.ckpt) is not SHA-256 "
                    + first.getSha256() + " (run/tiny-12.ckpt)";
            try (SamplerService service = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendCheckpoint(other);
                GenerationError live = errors.awaitCount(1, WAIT).get(0).value();
                assertEquals(ErrorCode.CHECKPOINT_REJECTED, live.getCode());
                assertTrue(live.getReason().toString().contains("checkpoint run@12 announced again"), live.getReason());
                assertTrue(live.getReason().toString().contains(both), live.getReason());
                assertEquals(
                        first.getSha256(),
                        service.registry().current("run").version().getSha256());
            }
            try (SamplerService restarted = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
                assertTrue(restarted.awaitRecovery(WAIT));
                assertEquals(
                        first.getSha256(),
                        restarted.registry().current("run").version().getSha256());
                GenerationError again = errors.awaitCount(2, WAIT).get(1).value();
                assertTrue(again.getReason().toString().contains(both), again.getReason());
                h.sendRequest(Requests.request("after-restart", "run", 1, 1, 1L).build());
                GenerationResult served = results.awaitCount(1, WAIT).get(0).value();
                assertEquals(first.getSha256(), served.getModelVersion().getSha256());
            }
        }
    }

    private static void awaitStep(SamplerService service, long step) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (service.registry().current("run") == null
                || service.registry().current("run").version().getStep() != step) {
            assertTrue(System.nanoTime() < deadline, "step " + step + " was not loaded");
            Thread.sleep(20);
        }
    }
}
