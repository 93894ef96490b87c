package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 finding 5: a user request is admitted by its cost in network evaluations, with the default cap. */
@BrokerTest
class CostAdmissionKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHeunRequestOverTheCapIsRefusedAndTheSmallRequestBehindItIsAnswered(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "cost", store, 1);
                TopicReader<GenerationError> errors = h.errors();
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            SamplerConfig config = h.config("cost", 8, 5);
            assertEquals(512, config.admission().maxRequestCost(), "the default cap: 256 images at 2 steps");
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                RecordMetadata heun = h.sendRequest(Requests.request("heun-64", "run-a", 64, 1, 1L)
                        .setSampler(SamplerKind.EDM_HEUN)
                        .build());
                h.sendRequest(Requests.request("ect-1", "run-a", 1, 1, 2L).build());
                h.sendRequest(Requests.request("ect-64x2", "run-a", 64, 2, 3L).build());
                h.sendEvaluationRequest(Requests.request("eval-heun-16", "run-a", 16, 1, 4L)
                        .setSampler(SamplerKind.EDM_HEUN)
                        .setPurpose(TrafficPurpose.EVALUATION)
                        .build());
                // the same request on the users' topic is user traffic, so its claimed purpose buys no exemption
                h.sendRequest(Requests.request("forged-eval-heun-16", "run-a", 16, 1, 4L)
                        .setSampler(SamplerKind.EDM_HEUN)
                        .setPurpose(TrafficPurpose.EVALUATION)
                        .build());

                Map<String, GenerationError> refusals = errors.awaitCount(2, WAIT).stream()
                        .collect(Collectors.toMap(r -> r.value().getRequestId().toString(), TopicReader.Read::value));
                assertEquals(Set.of("heun-64", "forged-eval-heun-16"), refusals.keySet());
                assertEquals(
                        ErrorCode.TOO_COSTLY,
                        refusals.get("forged-eval-heun-16").getCode());
                GenerationError refused = refusals.get("heun-64");
                assertEquals(ErrorCode.TOO_COSTLY, refused.getCode());
                assertEquals("heun-64", refused.getRequestId());
                assertEquals(heun.offset(), refused.getSourceOffset());
                assertTrue(
                        refused.getReason()
                                .contains("64 images x 35 network evaluations (EDM_HEUN) cost 2240, above this"
                                        + " sampler's limit of 512 per request; ask for at most 14 images"),
                        refused.getReason());

                // 1 + 64/8 + 16/8 chunks; the Heun request is never generated
                List<GenerationResult> answered = results.awaitCount(11, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                assertEquals(
                        Set.of("ect-1", "ect-64x2", "eval-heun-16"),
                        answered.stream().map(GenerationResult::getRequestId).collect(Collectors.toSet()));
                assertEquals(65.0, service.metrics().images(TrafficPurpose.USER));
                assertEquals(
                        16.0,
                        service.metrics().images(TrafficPurpose.EVALUATION),
                        "evaluation traffic is exempt from the cap");
            }
        }
    }
}
