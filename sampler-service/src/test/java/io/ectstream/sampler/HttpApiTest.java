package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.TinyCheckpoints;
import io.ectstream.schemas.CheckpointEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP endpoints, with a real tiny checkpoint (see TinyCheckpoints) and the real broker. */
@BrokerTest
class HttpApiTest {
    @TempDir
    Path dir;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<byte[]> get(int port, String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(int port, String path, String body, String accept) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("content-type", "application/json")
                        .header("accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void healthModelsGenerateAndMetrics(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "http", store, 1)) {
            SamplerConfig config =
                    h.config("http", 8, 5).withHttp(HttpEndpoint.defaults().withPort(0));
            try (SamplerService service = SamplerService.start(config, new CheckpointModelLoader(Device.cpu()))) {
                int port = service.httpPort();
                assertTrue(port > 0);
                assertTrue(service.awaitRecovery(Duration.ofSeconds(30)));
                HttpResponse<byte[]> down = get(port, "/health");
                assertEquals(503, down.statusCode(), "no model yet");
                assertEquals("NO_MODEL", new JsonObject(new String(down.body())).getString("status"));
                assertEquals(
                        404,
                        post(
                                        port,
                                        "/v1/generate",
                                        "{\"runId\":\"tiny\",\"numImages\":1,\"steps\":1}",
                                        "application/json")
                                .statusCode());

                CheckpointEvent event = TinyCheckpoints.write(store, "tiny", 4, 9);
                h.sendCheckpoint(event);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (get(port, "/health").statusCode() != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(200, get(port, "/health").statusCode());

                JsonArray models =
                        new JsonObject(new String(get(port, "/v1/models").body())).getJsonArray("models");
                assertEquals(1, models.size());
                assertEquals("tiny", models.getJsonObject(0).getString("runId"));
                assertEquals(4L, models.getJsonObject(0).getLong("step"));
                assertEquals(event.getSha256(), models.getJsonObject(0).getString("sha256"));
                assertEquals(8, models.getJsonObject(0).getInteger("height"));

                try (ImageGenerator direct = new CheckpointModelLoader(Device.cpu())
                        .load(
                                store.resolve(event.getCheckpointUri()),
                                new CheckpointExpectation(
                                        event.getSha256(), event.getSizeBytes(), event.getNetwork()))) {
                    HttpResponse<byte[]> json = post(
                            port,
                            "/v1/generate",
                            "{\"runId\":\"tiny\",\"numImages\":3,\"steps\":2,\"seed\":17,\"tMid\":0.5}",
                            "application/json");
                    assertEquals(200, json.statusCode(), new String(json.body()));
                    JsonObject body = new JsonObject(new String(json.body()));
                    assertEquals(17L, body.getLong("seed"));
                    assertEquals(4L, body.getJsonObject("modelVersion").getLong("step"));
                    assertEquals("ECT", body.getString("sampler"));
                    assertEquals(2, body.getInteger("networkEvaluations"), "issue 32: one meaning per field");
                    assertFalse(body.containsKey("steps"));
                    JsonArray images = body.getJsonArray("images");
                    assertEquals(3, images.size());
                    byte[][] expected = new byte[3][];
                    for (int i = 0; i < 3; i++) {
                        expected[i] = direct.generate(
                                        new long[] {NoiseSeeds.forImage(17, i)}, SamplerSettings.ect(2, 0.5))[0];
                        byte[] png = Base64.getDecoder().decode(images.getString(i));
                        assertArrayEquals(expected[i], ImageCodec.fromPng(png, 1), "image " + i);
                    }

                    HttpResponse<byte[]> grid = post(
                            port,
                            "/v1/generate",
                            "{\"runId\":\"tiny\",\"numImages\":3,\"steps\":2,\"seed\":17,\"tMid\":0.5}",
                            "image/png");
                    assertEquals(200, grid.statusCode());
                    assertEquals(
                            "image/png",
                            grid.headers().firstValue("content-type").orElseThrow());
                    BufferedImage gridImage = ImageIO.read(new ByteArrayInputStream(grid.body()));
                    assertEquals(16, gridImage.getWidth(), "3 images in 2 columns of 8 px");
                    assertEquals(16, gridImage.getHeight());
                    byte[] gridPixels = ImageCodec.fromPng(grid.body(), 1);
                    assertEquals(expected[2][0] & 0xFF, gridPixels[8 * 16] & 0xFF, "third image starts the second row");
                    assertEquals(expected[1][7] & 0xFF, gridPixels[15] & 0xFF, "second image ends the first row");
                }

                HttpResponse<byte[]> bad = post(
                        port, "/v1/generate", "{\"runId\":\"tiny\",\"numImages\":1,\"steps\":3}", "application/json");
                assertEquals(400, bad.statusCode());
                assertEquals("INVALID_REQUEST", new JsonObject(new String(bad.body())).getString("code"));
                assertEquals(
                        400,
                        post(port, "/v1/generate", "not json", "application/json")
                                .statusCode());
                assertEquals(
                        400,
                        post(
                                        port,
                                        "/v1/generate",
                                        "{\"runId\":\"tiny\",\"numImages\":1000,\"steps\":1}",
                                        "application/json")
                                .statusCode());
                assertEquals(
                        404,
                        post(
                                        port,
                                        "/v1/generate",
                                        "{\"runId\":\"nope\",\"numImages\":1,\"steps\":1}",
                                        "application/json")
                                .statusCode());

                HttpResponse<byte[]> metrics = get(port, "/metrics");
                assertEquals(200, metrics.statusCode());
                String text = new String(metrics.body());
                assertTrue(
                        text.contains("ect_sampler_requests_total{outcome=\"accepted\",purpose=\"USER\"} 2.0"), text);
                assertTrue(
                        text.contains("ect_sampler_requests_total{outcome=\"rejected\",purpose=\"USER\"} 5.0"), text);
                assertTrue(text.contains("ect_sampler_images_total{purpose=\"USER\"} 6.0"), text);
                assertTrue(text.contains("ect_sampler_batch_images_count"), text);
                assertTrue(text.contains("ect_sampler_request_latency_seconds_bucket"), text);
                assertTrue(text.contains("ect_sampler_model_loads_total{outcome=\"loaded\"} 1.0"), text);
                assertTrue(text.contains("ect_sampler_errors_total{code=\"UNKNOWN_MODEL\"} 2.0"), text);
            }
        }
    }
}
