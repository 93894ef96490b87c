package io.ectstream.launcher.dashboard;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: a static page (no build step) at {@code /}, the whole state as JSON at
 * {@code /api/state}, and server-sent events at {@code /events} (a state snapshot every second; sample
 * grids only when they changed).
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);

    private final Vertx vertx;
    private final DashboardState state;
    private final DashboardFeed feed;
    private final ConsumerLagProbe lagProbe;
    private HttpServer server;

    public DashboardServer(KafkaClientSettings settings, Topics topics) {
        this(settings, topics, DashboardRoles.NONE);
    }

    public DashboardServer(KafkaClientSettings settings, Topics topics, DashboardRoles roles) {
        this.vertx = Vertx.vertx();
        this.state = new DashboardState(roles);
        this.feed = new DashboardFeed(settings, topics, state);
        this.lagProbe = new ConsumerLagProbe(settings);
    }

    /** Starts on host:port (port 0 picks a free one) and returns the port. */
    public int start(String host, int port) {
        feed.start();
        Router router = Router.router(vertx);
        router.get("/api/state").handler(ctx -> ctx.json(state.toJson(true, System.currentTimeMillis())));
        router.get("/events").handler(this::streamEvents);
        router.route("/*").handler(StaticHandler.create("dashboard").setCachingEnabled(false));
        vertx.setPeriodic(
                2000,
                id -> vertx.executeBlocking(() -> lagProbe.measure(), false)
                        .onSuccess(state::lag)
                        .onFailure(e -> log.debug("consumer lag probe failed: {}", e.toString())));
        try {
            server = vertx.createHttpServer()
                    .requestHandler(router)
                    .listen(port, host)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "dashboard cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        log.info("dashboard at http://{}:{}/", host, server.actualPort());
        return server.actualPort();
    }

    /** The dashboard's whole state, sample grids included, as its page sees it. */
    public JsonObject snapshot() {
        return state.toJson(true, System.currentTimeMillis());
    }

    private void streamEvents(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Connection", "keep-alive");
        long[] sentSamplesVersion = {-1};
        Runnable push = () -> {
            long version = state.samplesVersion();
            boolean withSamples = version != sentSamplesVersion[0];
            JsonObject json = state.toJson(withSamples, System.currentTimeMillis());
            sentSamplesVersion[0] = version;
            response.write("event: state\ndata: " + json.encode() + "\n\n");
        };
        push.run();
        long timer = vertx.setPeriodic(1000, id -> push.run());
        response.closeHandler(v -> vertx.cancelTimer(timer));
    }

    @Override
    public void close() {
        feed.close();
        lagProbe.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("dashboard did not close cleanly: {}", e.toString());
        }
    }
}
