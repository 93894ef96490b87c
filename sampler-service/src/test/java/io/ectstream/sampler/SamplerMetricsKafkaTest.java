package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka path's counters by exact amounts, and the sampler's own Kafka clients' meters. */
@BrokerTest
class SamplerMetricsKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void countersAndKafkaClientMetersOfTheSampler(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "meters", store, 1);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            try (SamplerService service = SamplerService.start(h.config("meters", 4, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("three", "run-a", 3, 1, 1L).build());
                h.sendRequest(Requests.request("two", "run-a", 2, 1, 2L).build());
                h.sendRequest(
                        Requests.request("unknown", "run-missing", 1, 1, 3L).build());
                // Counted before their records are sent: one result chunk per request (at most 4 images each).
                results.awaitCount(2, WAIT);
                errors.awaitCount(1, WAIT);

                String text = service.metrics().scrape();
                assertTrue(text.contains("ect_sampler_images_total{purpose=\"USER\"} 5.0"), text);
                assertTrue(
                        text.contains("ect_sampler_requests_total{outcome=\"accepted\",purpose=\"USER\"} 2.0"), text);
                assertTrue(
                        text.contains("ect_sampler_requests_total{outcome=\"rejected\",purpose=\"USER\"} 1.0"), text);
                assertTrue(text.contains("# TYPE ect_sampler_images_total counter"), text);
                assertTrue(kafkaMeter(text, "kafka_consumer_", "client_id=\"ect-sampler-checkpoints\""), text);
                assertTrue(kafkaMeter(text, "kafka_consumer_", "client_id=\"ect-sampler-requests-meters\""), text);
                assertTrue(kafkaMeter(text, "kafka_producer_", "client_id=\"ect-sampler-publisher\""), text);
            }
        }
    }

    private static boolean kafkaMeter(String text, String prefix, String clientId) {
        return text.lines().anyMatch(l -> l.startsWith(prefix) && l.contains(clientId));
    }
}
