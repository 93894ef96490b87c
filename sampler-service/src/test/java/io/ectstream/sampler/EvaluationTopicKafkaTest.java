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
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation traffic comes only from the evaluation requests topic (which only the evaluation driver may write to):
 * a client that marks its request EVALUATION on the user requests topic gets user results, which the evaluator
 * does not count, and a request read from the evaluation topic is evaluation traffic whatever it says.
 */
@BrokerTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EvaluationTopicKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void onlyTheEvaluationTopicMakesEvaluationResults(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "eval-topic", store, 1);
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            try (SamplerService service = SamplerService.start(h.config("eval-topic", 8, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("forged", "run", 2, 1, 1L)
                        .setPurpose(TrafficPurpose.EVALUATION)
                        .build());
                h.sendRequest(Requests.request("user", "run", 2, 1, 2L).build());
                h.sendEvaluationRequest(Requests.request("driver", "run", 2, 1, 3L)
                        .setPurpose(TrafficPurpose.EVALUATION)
                        .build());
                h.sendEvaluationRequest(
                        Requests.request("unmarked", "run", 2, 1, 4L).build());

                Map<String, TrafficPurpose> purposes = results.awaitCount(4, WAIT).stream()
                        .collect(Collectors.toMap(
                                r -> r.value().getRequestId(), r -> r.value().getPurpose()));
                assertEquals(
                        Map.of(
                                "forged",
                                TrafficPurpose.USER,
                                "user",
                                TrafficPurpose.USER,
                                "driver",
                                TrafficPurpose.EVALUATION,
                                "unmarked",
                                TrafficPurpose.EVALUATION),
                        purposes);
                assertEquals(4, service.metrics().images(TrafficPurpose.EVALUATION), 0.0);
                assertEquals(4, service.metrics().images(TrafficPurpose.USER), 0.0);
            }
        }
    }
}
