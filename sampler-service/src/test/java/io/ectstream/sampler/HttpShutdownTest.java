package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: an HTTP request in flight when shutdown begins gets its images; /ready answers 503 from the start of the
 * shutdown, while the server still runs, and new requests are refused with 503 until it stops.
 */
@BrokerTest
class HttpShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest generate(int port, int images) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/generate"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"runId\":\"run-a\",\"numImages\":" + images + "}"))
                .build();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theRequestInFlightIsAnsweredAndReadinessGoesOffBeforeTheServerStops(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Gate gate = new Gate();
        try (SamplerHarness h = new SamplerHarness(kafka, "httpstop", store, 1)) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            SamplerConfig config =
                    h.config("httpstop", 8, 5).withHttp(HttpEndpoint.defaults().withPort(0));
            SamplerService service = SamplerService.start(config, new SeededModelLoader(gate));
            CompletableFuture<Void> stopped = null;
            try {
                assertTrue(service.awaitRecovery(WAIT));
                int port = service.httpPort();
                assertEquals(200, get(port, "/ready").statusCode(), "ready with a model");

                gate.close();
                CompletableFuture<HttpResponse<String>> inFlight =
                        client.sendAsync(generate(port, 2), HttpResponse.BodyHandlers.ofString());
                assertTrue(gate.awaitEntered(WAIT.toMillis()), "the request is generating");

                stopped = CompletableFuture.runAsync(service::close); // what SIGTERM does in serve
                int ready = get(port, "/ready").statusCode();
                while (ready == 200) {
                    ready = get(port, "/ready").statusCode();
                }
                assertEquals(503, ready, "readiness off while the server still answers");
                assertFalse(inFlight.isDone(), "the request in flight is still held");
                HttpResponse<String> refused = client.send(generate(port, 1), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(new JsonObject(refused.body()).getString("reason").contains("shutting down"));

                gate.open();
                HttpResponse<String> answered = inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(200, answered.statusCode(), answered.body());
                assertEquals(
                        2,
                        new JsonObject(answered.body()).getJsonArray("images").size());
                stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThrows(IOException.class, () -> get(port, "/ready"), "the server stopped after the answer");
            } finally {
                gate.open();
                if (stopped == null) {
                    service.close();
                }
            }
        }
    }
}
