package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.GatedLoader;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.TinyCheckpoints;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing while a batch is on a generator: the service waits for that forward pass and delivers its result before
 * the event loop closes (before, the generator thread finished after the event loop was gone and failed with
 * "RejectedExecutionException: event executor terminated", and the request in flight was cut off).
 */
@BrokerTest
class ShutdownKafkaTest {
    @TempDir
    Path dir;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(180)
    void closeWaitsForTheForwardPassInFlightAndAnswersIt(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Gate gate = new Gate();
        try (SamplerHarness h = new SamplerHarness(kafka, "shutdown", store, 1)) {
            SamplerService service = SamplerService.start(
                    h.config("shutdown", 8, 5).withHttp(HttpEndpoint.defaults().withPort(0)),
                    new GatedLoader(new CheckpointModelLoader(Device.cpu()), gate));
            int port = service.httpPort();
            assertTrue(service.awaitRecovery(Duration.ofSeconds(30)));
            h.sendCheckpoint(TinyCheckpoints.write(store, "tiny", 4, 9));
            while (service.registry().current("tiny") == null) {
                Thread.sleep(20);
            }

            gate.close();
            CompletableFuture<HttpResponse<String>> response = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/generate"))
                            .header("content-type", "application/json")
                            .header("accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"runId\":\"tiny\",\"numImages\":2,\"steps\":1,\"seed\":5}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(gate.awaitEntered(30_000), "the batch reached the generator");

            CompletableFuture<Void> closed = CompletableFuture.runAsync(service::close);
            try {
                // Only gives a close that does not wait for the generator the time to finish first; no outcome depends
                // on it.
                closed.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException waiting) {
                // the fixed service waits for the forward pass at the gate
            }
            gate.open();
            closed.get(60, TimeUnit.SECONDS);

            HttpResponse<String> answered = response.get(30, TimeUnit.SECONDS);
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals(
                    2, new JsonObject(answered.body()).getJsonArray("images").size());
        }
    }
}
