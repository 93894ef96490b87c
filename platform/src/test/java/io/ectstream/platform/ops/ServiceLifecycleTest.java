package io.ectstream.platform.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 22: /ready off before start, on once running, off again from the first moment of shutdown; /health throughout. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ServiceLifecycleTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFollowsStartAndShutdownAndMetricsHaveTheJvm() throws Exception {
        ServiceLifecycle life = new ServiceLifecycle("test", "127.0.0.1", 0, Duration.ofSeconds(5));
        int port = life.opsPort();
        assertTrue(port > 0);
        assertEquals(503, get(port, "/ready").statusCode(), "not ready before the service runs");
        assertEquals(200, get(port, "/health").statusCode());

        life.readyWhen(() -> true);
        assertEquals(200, get(port, "/ready").statusCode());
        HttpResponse<String> metrics = get(port, "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes{"), metrics.body());
        assertTrue(metrics.body().contains("process_uptime_seconds"), metrics.body());

        CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
            try {
                life.awaitShutdownRequest();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        life.beginShutdown();
        released.get();
        assertEquals(503, get(port, "/ready").statusCode(), "readiness is off while the service drains");
        assertEquals(200, get(port, "/health").statusCode(), "alive while it drains");

        life.close();
        assertThrows(IOException.class, () -> get(port, "/health"));
    }

    @Test
    void withoutAPortThereIsNoEndpointButMetricsAreKept() {
        try (ServiceLifecycle life = new ServiceLifecycle("test", "127.0.0.1", null, Duration.ofSeconds(5))) {
            assertEquals(-1, life.opsPort());
            assertTrue(life.metrics().scrape().contains("jvm_threads_live_threads"));
        }
    }
}
