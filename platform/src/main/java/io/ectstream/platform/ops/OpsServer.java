package io.ectstream.platform.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoint of a service without its own HTTP server: GET /health (200 while the process runs),
 * GET /ready (200 once the service's Kafka clients or Streams run, 503 before and from the first moment of shutdown),
 * GET /metrics (Prometheus text). The JDK's HTTP server: evaluator, driver, trainer and broker run no Vert.x.
 */
public final class OpsServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Listens on host:port (0: a free port) until closed. */
    public static OpsServer start(String host, int port, ServiceMetrics metrics, BooleanSupplier ready) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + host + ":" + port + " for /health, /ready and /metrics (--ops-port): "
                            + e.getMessage(),
                    e);
        }
        server.createContext("/health", ex -> answer(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/ready", ex -> {
            boolean isReady = ready.getAsBoolean();
            answer(
                    ex,
                    isReady ? 200 : 503,
                    "application/json",
                    isReady ? "{\"status\":\"READY\"}" : "{\"status\":\"NOT_READY\"}");
        });
        server.createContext("/metrics", ex -> answer(ex, 200, PROMETHEUS_TEXT, metrics.scrape()));
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new OpsServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
