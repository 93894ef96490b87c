package io.ectstream.sampler.http;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.sampler.RequestPipeline;
import io.ectstream.sampler.batch.JobSink;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.UnknownModelException;
import io.ectstream.sampler.validate.InvalidRequestException;
import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;

/**
 * POST /v1/generate. Body (application/json): {"runId", "step"?, "numImages"?, "steps"?, "seed"?, "tMid"?, "sampler"?}
 * read strictly by {@link GenerateBody}. With {@code Accept: image/png} (or "?format=png") the answer is one PNG grid;
 * otherwise JSON with one base64 PNG per image. 400 for an invalid or too costly request, 404 for an unknown model,
 * 429 (with Retry-After) while the HTTP work in flight would exceed its cost limit, 503 (with Retry-After) while the
 * queued user work is at its bound (OVERLOADED) or when the deadline passed before generation (EXPIRED). Nothing is
 * allocated for a request's images before it passed validation and admission.
 */
final class GenerateHandler implements Handler<RoutingContext> {
    /** Seconds a client told 429 should wait before it tries again. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final RequestPipeline pipeline;
    private final SamplerMetrics metrics;
    private final InFlightCost inFlight;

    GenerateHandler(RequestPipeline pipeline, SamplerMetrics metrics, InFlightCost inFlight) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean grid = "png".equals(ctx.queryParams().get("format"))
                || String.valueOf(ctx.request().getHeader("accept")).contains("image/png");
        ValidRequest valid;
        try {
            valid = pipeline.validate(GenerateBody.parse(ctx.body().buffer(), grid));
        } catch (InvalidRequestException e) {
            fail(ctx, 400, e.code(), e.getMessage());
            return;
        }
        long cost = valid.cost();
        if (!inFlight.tryAcquire(cost)) {
            ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            fail(
                    ctx,
                    429,
                    ErrorCode.OVERLOADED,
                    "HTTP requests in flight cost " + inFlight.inFlight() + " of at most " + inFlight.limit()
                            + " network evaluations; this one costs " + cost + ", retry later");
            return;
        }
        long received = System.currentTimeMillis();
        try {
            pipeline.submit(valid, received, new HttpSink(ctx, valid.request().getNumImages(), grid, received, cost));
            metrics.request("accepted");
        } catch (UnknownModelException e) {
            inFlight.release(cost);
            fail(ctx, 404, e.code(), e.getMessage());
        } catch (InvalidRequestException e) {
            inFlight.release(cost);
            unavailable(ctx, e.code(), e.getMessage());
        }
    }

    /** OVERLOADED or EXPIRED: the service is busy, the client may try again. */
    private void unavailable(RoutingContext ctx, ErrorCode code, String reason) {
        ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        fail(ctx, 503, code, reason);
    }

    private void fail(RoutingContext ctx, int status, ErrorCode code, String reason) {
        fail(ctx, metrics, status, code, reason);
    }

    /** Every refusal of the HTTP API: counted, and answered as JSON {"code", "reason"} with the errors topic's codes. */
    static void fail(RoutingContext ctx, SamplerMetrics metrics, int status, ErrorCode code, String reason) {
        metrics.request("rejected");
        metrics.error(code.name());
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(new JsonObject()
                        .put("code", code.name())
                        .put("reason", reason)
                        .encode());
    }

    /** Collects a request's chunks and answers once all are there. */
    private final class HttpSink implements JobSink {
        private final RoutingContext ctx;
        private final byte[][] images;
        private final boolean grid;
        private final long received;
        private final long cost;
        private GenerationResult first;
        private String error;
        private ErrorCode errorCode;

        HttpSink(RoutingContext ctx, int numImages, boolean grid, long received, long cost) {
            this.ctx = ctx;
            this.images = new byte[numImages][];
            this.grid = grid;
            this.received = received;
            this.cost = cost;
        }

        @Override
        public Future<Void> send(ValidRequest request, GenerationResult chunk) {
            if (first == null) {
                first = chunk;
            }
            for (int i = 0; i < chunk.getImages().size(); i++) {
                var buffer = chunk.getImages().get(i).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                images[chunk.getFirstImageIndex() + i] = bytes;
            }
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> sendError(ValidRequest request, ErrorCode code, String reason) {
            error = reason;
            errorCode = code;
            return Future.succeededFuture();
        }

        @Override
        public void finished(boolean delivered) {
            inFlight.release(cost);
            metrics.requestLatency(System.currentTimeMillis() - received);
            if (errorCode == ErrorCode.EXPIRED) {
                unavailable(ctx, errorCode, error);
                return;
            }
            if (error != null || first == null) {
                fail(ctx, 500, ErrorCode.INTERNAL, error == null ? "no images were generated" : error);
                return;
            }
            ctx.response()
                    .putHeader(
                            "x-model-version",
                            first.getModelVersion().getRunId() + "@"
                                    + first.getModelVersion().getStep());
            if (grid) {
                ImageShape shape = new ImageShape(first.getChannels(), first.getHeight(), first.getWidth());
                int columns = (int) Math.ceil(Math.sqrt(images.length));
                ctx.vertx()
                        .executeBlocking(() -> ImageCodec.gridPng(images, shape, columns), false)
                        .onSuccess(png -> ctx.response()
                                .putHeader("content-type", "image/png")
                                .end(Buffer.buffer(png)))
                        .onFailure(e -> fail(ctx, 500, ErrorCode.INTERNAL, e.toString()));
                return;
            }
            JsonArray encoded = new JsonArray();
            for (byte[] image : images) {
                encoded.add(Base64.getEncoder().encodeToString(image));
            }
            ctx.json(new JsonObject()
                    .put("requestId", first.getRequestId())
                    .put(
                            "modelVersion",
                            new JsonObject()
                                    .put("runId", first.getModelVersion().getRunId())
                                    .put("step", first.getModelVersion().getStep())
                                    .put("sha256", first.getModelVersion().getSha256()))
                    .put("seed", first.getSeed())
                    .put("sampler", first.getSampler().name())
                    .put("networkEvaluations", first.getNetworkEvaluations())
                    .put("channels", first.getChannels())
                    .put("height", first.getHeight())
                    .put("width", first.getWidth())
                    .put("format", "png")
                    .put("images", encoded));
        }
    }
}
