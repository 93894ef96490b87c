package io.ectstream.sampler.http;

import io.ectstream.sampler.RequestPipeline;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.LoadedModel;
import io.ectstream.sampler.models.ModelRegistry;
import io.ectstream.schemas.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * The HTTP face of the sampler: POST /v1/generate, GET /v1/models, GET /health (503 until a model
 * is loaded), GET /ready (as /health, and 503 from the moment shutdown begins), GET /metrics (Prometheus text). While
 * it drains ({@link #beginDrain}) new generation requests get 503 and those in flight are answered. With a bearer
 * token every route but /health and /ready requires it;
 * with a certificate and key it serves HTTPS. Handlers are short and never block; generation goes
 * through the same pipeline as Kafka requests. POST /v1/generate takes only application/json (415 otherwise), at
 * most {@link #MAX_BODY_BYTES} (413), never stores an upload, and admits HTTP work by its cost in network
 * evaluations (429 past the limit).
 */
public final class HttpApi {
    /** Largest POST body: a generation request is a few hundred bytes of JSON. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final Vertx vertx;
    private final ModelRegistry registry;
    private final SamplerMetrics metrics;
    private final GenerateHandler generate;
    private final HttpSecurity security;
    private final InFlightCost inFlight;
    private volatile boolean draining;
    private HttpServer server;

    /**
     * @param maxInFlightCost network evaluations the HTTP requests accepted and not yet answered may cost together
     */
    public HttpApi(
            Vertx vertx,
            RequestPipeline pipeline,
            ModelRegistry registry,
            SamplerMetrics metrics,
            HttpSecurity security,
            long maxInFlightCost) {
        this.vertx = vertx;
        this.security = security;
        this.registry = registry;
        this.metrics = metrics;
        this.inFlight = new InFlightCost(maxInFlightCost);
        metrics.gauge("ect.sampler.http.in.flight.cost", inFlight::inFlight);
        this.generate = new GenerateHandler(pipeline, metrics, inFlight);
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.get("/health").handler(this::health);
        router.get("/ready").handler(this::ready);
        if (security.tokenRequired()) {
            router.route().handler(new BearerTokenHandler(security.bearerToken()));
        }
        router.post("/v1/generate").handler(this::refuseWhileDraining);
        router.post("/v1/generate").handler(this::jsonOnly);
        router.post("/v1/generate")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setDeleteUploadedFilesOnEnd(true))
                .handler(generate);
        router.errorHandler(413, ctx -> error(ctx, 413, "the body is larger than " + MAX_BODY_BYTES + " bytes"));
        router.get("/v1/models").handler(this::models);
        router.get("/metrics").handler(this::metrics);
        return router;
    }

    /** Starts listening; the future gives the bound port. */
    public Future<Integer> listen(String host, int port) {
        HttpServerOptions options = new HttpServerOptions();
        if (security.tls()) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(security.tlsCert().toString())
                            .setKeyPath(security.tlsKey().toString()));
        }
        return vertx.createHttpServer(options)
                .requestHandler(router())
                .listen(port, host)
                .map(s -> {
                    server = s;
                    return s.actualPort();
                });
    }

    /** Readiness off and no new generation request taken; those in flight are still answered. */
    public void beginDrain() {
        draining = true;
    }

    /** Network evaluations of the HTTP requests accepted and not yet answered (call on the server's event loop). */
    public long inFlightCost() {
        return inFlight.inFlight();
    }

    private void refuseWhileDraining(RoutingContext ctx) {
        if (!draining) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("Retry-After", "1");
        GenerateHandler.fail(
                ctx, metrics, 503, ErrorCode.OVERLOADED, "the sampler is shutting down: send it to another instance");
    }

    /** Refuses anything but a JSON body before it is read: no form, no multipart upload ever reaches a handler. */
    private void jsonOnly(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        if (type != null && type.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            ctx.next();
            return;
        }
        error(
                ctx,
                415,
                "the body must be application/json"
                        + (type == null ? " (no content type was given)" : ", not " + type));
    }

    private void error(RoutingContext ctx, int status, String reason) {
        GenerateHandler.fail(ctx, metrics, status, ErrorCode.INVALID_REQUEST, reason);
    }

    private void models(RoutingContext ctx) {
        JsonArray models = new JsonArray();
        for (LoadedModel model : registry.activeModels()) {
            models.add(new JsonObject()
                    .put("runId", model.version().getRunId())
                    .put("step", model.version().getStep())
                    .put("phase", model.version().getPhase().name())
                    .put("sha256", model.version().getSha256())
                    .put("channels", model.shape().channels())
                    .put("height", model.shape().height())
                    .put("width", model.shape().width())
                    .put(
                            "loadedAt",
                            java.time.Instant.ofEpochMilli(model.loadedAtMillis())
                                    .toString())
                    .put("references", model.references()));
        }
        ctx.json(new JsonObject().put("models", models));
    }

    private void health(RoutingContext ctx) {
        boolean ready = registry.hasModel();
        ctx.response()
                .setStatusCode(ready ? 200 : 503)
                .putHeader("content-type", "application/json")
                .end(new JsonObject()
                        .put("status", ready ? "UP" : "NO_MODEL")
                        .put("models", registry.activeModels().size())
                        .encode());
    }

    private void ready(RoutingContext ctx) {
        boolean ready = !draining && registry.hasModel();
        ctx.response()
                .setStatusCode(ready ? 200 : 503)
                .putHeader("content-type", "application/json")
                .end(new JsonObject()
                        .put("status", draining ? "SHUTTING_DOWN" : ready ? "READY" : "NO_MODEL")
                        .encode());
    }

    private void metrics(RoutingContext ctx) {
        ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape());
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
