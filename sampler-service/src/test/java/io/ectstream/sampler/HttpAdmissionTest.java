package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.http.HttpApi;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 finding 4: POST /v1/generate reads numbers strictly, limits the body, stores no upload, and admits work by
 * its cost (429 with Retry-After past the in-flight limit). Requests may cost 16 network evaluations, HTTP work in
 * flight 16 together.
 */
@BrokerTest
class HttpAdmissionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One refused body: what to send, the code and a word the reason must contain. */
    private record Refused(String body, String code, String reasonContains) {}

    private static final List<Refused> REFUSED = List.of(
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":-5}",
                    "INVALID_REQUEST",
                    "numImages: must be between 1 and 64, not -5"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":0}", "INVALID_REQUEST", "numImages: must be between 1 and 64"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":65}", "INVALID_REQUEST", "numImages: must be between 1 and 64"),
            new Refused("{\"runId\":\"run-a\",\"numImages\":300000000}", "INVALID_REQUEST", "not 300000000"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":1e9}",
                    "INVALID_REQUEST",
                    "numImages: must be a 32-bit integer, not 1.0E9"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":4294967297}",
                    "INVALID_REQUEST",
                    "not 4294967297 (out of range)"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":1.9}",
                    "INVALID_REQUEST",
                    "numImages: must be a 32-bit integer, not 1.9"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":\"3\"}",
                    "INVALID_REQUEST",
                    "numImages: must be a 32-bit integer"),
            new Refused("{\"runId\":\"run-a\",\"steps\":1.5}", "INVALID_REQUEST", "steps: must be a 32-bit integer"),
            new Refused("{\"runId\":\"run-a\",\"steps\":3}", "INVALID_REQUEST", "steps"),
            new Refused("{\"runId\":\"run-a\",\"deadlineMs\":0}", "INVALID_REQUEST", "deadlineMs: must be >= 1 ms"),
            new Refused("{\"runId\":\"run-a\",\"seed\":0.5}", "INVALID_REQUEST", "seed: must be a 64-bit integer"),
            new Refused("{\"runId\":\"run-a\",\"seed\":18446744073709551617}", "INVALID_REQUEST", "out of range"),
            new Refused("{\"runId\":\"run-a\",\"step\":-1}", "INVALID_REQUEST", "model.step"),
            new Refused("{\"runId\":\"run-a\",\"tMid\":\"half\"}", "INVALID_REQUEST", "tMid: must be a number"),
            new Refused("{\"runId\":\"run-a\",\"sampler\":\"DDIM\"}", "INVALID_REQUEST", "sampler: must be one of"),
            new Refused(
                    "{\"runId\":\"run-a\",\"replyTopic\":\"ect.checkpoints\"}",
                    "INVALID_REQUEST",
                    "unknown field 'replyTopic'"),
            new Refused("{\"runId\":7}", "INVALID_REQUEST", "runId"),
            new Refused("[1,2]", "INVALID_REQUEST", "body: is not a JSON object (it is array)"),
            new Refused("not json", "INVALID_REQUEST", "body: is not valid JSON at line 1, column "),
            new Refused("{\"runId\":\"run-a\"", "INVALID_REQUEST", "body: is not valid JSON at line 1, column "),
            new Refused("{\"runId\":\"run-a\"} {}", "INVALID_REQUEST", "body: is not valid JSON"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":1,\"numImages\":2}",
                    "INVALID_REQUEST",
                    "body: names a field twice at line 1, column 43: Duplicate field 'numImages'"),
            new Refused("", "INVALID_REQUEST", "body: is empty"),
            new Refused(
                    "{\"runId\":\"run-a\",\"numImages\":1,\"sampler\":\"EDM_HEUN\"}",
                    "TOO_COSTLY",
                    "1 images x 35 network evaluations (EDM_HEUN) cost 35, above this sampler's limit of 16"),
            new Refused("{\"runId\":\"run-a\",\"numImages\":9,\"steps\":2}", "TOO_COSTLY", "cost 18"));

    private HttpResponse<String> post(int port, String body, String contentType) throws Exception {
        return client.send(
                request(port, contentType, HttpRequest.BodyPublishers.ofString(body)),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String contentType, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/generate"))
                .header("content-type", contentType)
                .POST(body)
                .build();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void badBodiesUploadsAndOverloadAreRefusedWithClearErrors(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Gate gate = new Gate();
        try (SamplerHarness h = new SamplerHarness(kafka, "httpadm", store, 1)) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            SamplerConfig base = h.config("httpadm", 8, 5);
            SamplerConfig config = base.withHttp(HttpEndpoint.defaults().withPort(0))
                    .withAdmission(base.admission().withCosts(16, 16));
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader(gate))) {
                assertTrue(service.awaitRecovery(WAIT));
                int port = service.httpPort();

                for (Refused refused : REFUSED) {
                    HttpResponse<String> response = post(port, refused.body(), "application/json");
                    assertEquals(400, response.statusCode(), refused.body() + " -> " + response.body());
                    JsonObject error = new JsonObject(response.body());
                    assertEquals(refused.code(), error.getString("code"), refused.body());
                    assertTrue(
                            error.getString("reason").contains(refused.reasonContains()),
                            refused.body() + " -> " + error);
                }

                HttpResponse<String> large =
                        post(port, "{\"runId\":\"" + "a".repeat(HttpApi.MAX_BODY_BYTES) + "\"}", "application/json");
                assertEquals(413, large.statusCode());
                assertEquals("INVALID_REQUEST", new JsonObject(large.body()).getString("code"));

                long uploadsBefore = filesUnder(Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY));
                String boundary = "ectboundary";
                HttpResponse<String> upload = client.send(
                        request(
                                port,
                                "multipart/form-data; boundary=" + boundary,
                                HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, 60_000))),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(415, upload.statusCode(), upload.body());
                assertTrue(
                        new JsonObject(upload.body()).getString("reason").contains("must be application/json"),
                        upload.body());
                assertEquals(
                        uploadsBefore,
                        filesUnder(Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY)),
                        "no upload is ever stored");

                gate.close();
                CompletableFuture<HttpResponse<String>> held = client.sendAsync(
                        request(
                                port,
                                "application/json",
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"runId\":\"run-a\",\"numImages\":8,\"steps\":2}")),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(gate.awaitEntered(WAIT.toMillis()), "the 16-evaluation request is generating");
                HttpResponse<String> overloaded =
                        post(port, "{\"runId\":\"run-a\",\"numImages\":1,\"steps\":1}", "application/json");
                assertEquals(429, overloaded.statusCode(), overloaded.body());
                assertEquals("1", overloaded.headers().firstValue("retry-after").orElseThrow());
                JsonObject busy = new JsonObject(overloaded.body());
                assertEquals("OVERLOADED", busy.getString("code"));
                assertTrue(
                        busy.getString("reason")
                                .contains("cost 16 of at most 16 network evaluations; this one costs 1"),
                        busy.toString());
                gate.open();
                assertEquals(200, held.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
                HttpResponse<String> after =
                        post(port, "{\"runId\":\"run-a\",\"numImages\":1,\"steps\":1}", "application/json");
                assertEquals(200, after.statusCode(), "the held request's cost was released: " + after.body());
                assertEquals(
                        1, new JsonObject(after.body()).getJsonArray("images").size());
                assertEquals(
                        9.0,
                        service.metrics().images(io.ectstream.schemas.TrafficPurpose.USER),
                        "only admitted requests were generated");
            }
        }
    }

    /**
     * Issue 21: with the user queue at its bound (16 network evaluations) a new request gets 503 OVERLOADED with
     * Retry-After at once; a queued request whose deadline passes (on the sampler's clock, which the test moves) before
     * it is generated gets 503 EXPIRED, not late images.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFullQueueAndAPassedDeadlineAnswer503(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Gate gate = new Gate();
        java.util.concurrent.atomic.AtomicLong clock =
                new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
        try (SamplerHarness h = new SamplerHarness(kafka, "httpshed", store, 1)) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            SamplerConfig base = h.config("httpshed", 8, 5);
            SamplerConfig config = base.withHttp(HttpEndpoint.defaults().withPort(0))
                    .withAdmission(base.admission().withCosts(16, 64))
                    .withLimits(new ServingLimits(0, 16, 1));
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader(gate), clock::get)) {
                assertTrue(service.awaitRecovery(WAIT));
                int port = service.httpPort();
                gate.close();
                CompletableFuture<HttpResponse<String>> running = client.sendAsync(
                        request(
                                port,
                                "application/json",
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"runId\":\"run-a\",\"numImages\":4,\"steps\":2}")),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(gate.awaitEntered(WAIT.toMillis()), "the first request is generating");
                CompletableFuture<HttpResponse<String>> queued = client.sendAsync(
                        request(
                                port,
                                "application/json",
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"runId\":\"run-a\",\"numImages\":4,\"steps\":2,\"deadlineMs\":1000}")),
                        HttpResponse.BodyHandlers.ofString());
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (service.backlog().cost(io.ectstream.schemas.TrafficPurpose.USER) < 16) {
                    assertTrue(System.nanoTime() < deadline, "the second request was never queued");
                    Thread.sleep(10);
                }

                HttpResponse<String> shed =
                        post(port, "{\"runId\":\"run-a\",\"numImages\":1,\"steps\":1}", "application/json");
                assertEquals(503, shed.statusCode(), shed.body());
                assertEquals("1", shed.headers().firstValue("retry-after").orElseThrow());
                JsonObject busy = new JsonObject(shed.body());
                assertEquals("OVERLOADED", busy.getString("code"));
                assertTrue(
                        busy.getString("reason").contains("user work queued costs 16 of at most 16"), busy.toString());

                clock.addAndGet(1001);
                gate.open();
                assertEquals(
                        200, running.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
                HttpResponse<String> expired = queued.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(503, expired.statusCode(), expired.body());
                assertEquals("EXPIRED", new JsonObject(expired.body()).getString("code"));
                assertEquals(
                        4.0,
                        service.metrics().images(io.ectstream.schemas.TrafficPurpose.USER),
                        "the expired request was not generated");
                assertEquals(1.0, service.metrics().shedCount(io.ectstream.schemas.TrafficPurpose.USER));
                assertEquals(1.0, service.metrics().expiredCount(io.ectstream.schemas.TrafficPurpose.USER));
            }
        }
    }

    private static long filesUnder(Path uploads) throws Exception {
        if (!Files.exists(uploads)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(uploads)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static byte[] multipart(String boundary, int fileBytes) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.write(new byte[fileBytes]);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }
}
