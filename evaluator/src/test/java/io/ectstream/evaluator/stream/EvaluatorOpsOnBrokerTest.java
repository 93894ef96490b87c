package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.ops.ServiceLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: the evaluator's ops endpoint, wired as `evaluate --ops-port` wires it: /ready 503 before the Streams run,
 * 200 once they do, 503 as soon as shutdown begins while the Streams still run; /metrics with the JVM's and the
 * Streams' series.
 */
@BrokerTest
class EvaluatorOpsOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RandomProjectionExtractor extractor = new RandomProjectionExtractor(TestResults.SHAPE, 6, 17);
    private final ReferenceStatistics reference = ReferenceStatsBuilder.compute(
            new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(2), 300)), extractor, 100);

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessAndMetricsFollowTheStreams(KafkaCluster kafka, @TempDir Path stateDir) throws Exception {
        kafka.createTopics(1, "ops-results", "ops-fid", "ops-errors");
        EvaluatorConfig config = Configs.config(
                "ops-evaluator",
                kafka.bootstrapServers(),
                stateDir,
                new ReportSchedule(4, 0),
                "ops-results",
                "ops-fid",
                "ops-errors");
        try (ServiceLifecycle life = new ServiceLifecycle("evaluator", "127.0.0.1", 0, Duration.ofSeconds(30))) {
            int port = life.opsPort();
            assertEquals(503, get(port, "/ready").statusCode(), "not ready before the Streams start");
            try (EvaluatorApp app = EvaluatorApp.start(config, extractor, reference)) {
                app.bindMetrics(life.metrics());
                life.readyWhen(app::ready); // as evaluate wires it
                assertTrue(app.awaitRunning(WAIT));
                assertEquals(200, get(port, "/ready").statusCode());

                String metrics = get(port, "/metrics").body();
                assertTrue(metrics.contains("jvm_memory_used_bytes{"), "a JVM series");
                assertTrue(metrics.contains("kafka_stream_thread_"), "a Streams thread series");
                assertTrue(metrics.contains("kafka_consumer_"), "the Streams' consumer series");

                life.beginShutdown();
                assertTrue(app.running(), "the Streams still run: readiness goes first");
                assertEquals(503, get(port, "/ready").statusCode());
                assertEquals(200, get(port, "/health").statusCode());
                app.close(life.drainTimeout());
            }
        }
    }
}
