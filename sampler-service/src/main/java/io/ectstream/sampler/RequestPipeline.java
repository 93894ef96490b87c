package io.ectstream.sampler;

import io.ectstream.sampler.batch.Batch;
import io.ectstream.sampler.batch.BatchKey;
import io.ectstream.sampler.batch.Chunk;
import io.ectstream.sampler.batch.DispatchOrder;
import io.ectstream.sampler.batch.EvaluationShare;
import io.ectstream.sampler.batch.GenerationJob;
import io.ectstream.sampler.batch.JobSink;
import io.ectstream.sampler.generate.BatchRunner;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.LoadedModel;
import io.ectstream.sampler.models.ModelRegistry;
import io.ectstream.sampler.models.UnknownModelException;
import io.ectstream.sampler.publish.ReplyTopicExistence;
import io.ectstream.sampler.validate.InvalidRequestException;
import io.ectstream.sampler.validate.RequestValidator;
import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path in one place: validate -> take a reference to the model -> split into chunks ->
 * batcher -> forward pass on a worker -> each chunk's result to the request's sink.
 * Every method runs on the service's event loop; only {@link BatchRunner} leaves it.
 * A batch is handed to a generator only when one is free: full batches first, then the queue that
 * waited longest (once it waited maxWaitMs). While every generator is busy, queues keep filling, so
 * batches grow with load and a lone request still leaves after maxWaitMs. Evaluation traffic has lower
 * priority: it gets a free generator when no user batch is due, and one turn after every few user batches
 * in a row (see {@link DispatchOrder} and {@link EvaluationShare}).
 * A request with a reply topic of its own waits, before it takes any generator time, for the answer whether that
 * topic exists ({@link ReplyTopicExistence}); if not, its sink gets REPLY_TOPIC_REJECTED and nothing is generated.
 */
public final class RequestPipeline {
    private static final Logger log = LoggerFactory.getLogger(RequestPipeline.class);

    private final Vertx vertx;
    private final SamplerConfig config;
    private final ModelRegistry registry;
    private final RequestValidator validator;
    private final DispatchOrder order;
    private final BatchRunner runner;
    private final SamplerMetrics metrics;
    private final ReplyTopicExistence replyTopics;
    private int busy;
    /** Batches from dispatch until their results were handed to the sinks (forward pass and encoding). */
    private int running;
    private boolean stopped;
    private final Promise<Void> idle = Promise.promise();
    private long timerId = -1;
    private long timerDeadline = Long.MAX_VALUE;

    public RequestPipeline(Vertx vertx, SamplerConfig config, ModelRegistry registry, BatchRunner runner, SamplerMetrics metrics,
                           ReplyTopicExistence replyTopics) {
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.replyTopics = replyTopics;
        this.validator = new RequestValidator(config.maxImagesPerRequest(), config.maxRequestCost(), config.replyTopicPolicy());
        this.order = new DispatchOrder(config.maxBatchImages(), config.maxWaitMs(), config.userBatchesPerEvaluationBatch());
        this.runner = runner;
        this.metrics = metrics;
    }

    /** Accepts a request or says why not; once accepted, the sink hears about every chunk and then finished(). */
    public void submit(GenerationRequest request, long receivedAtMillis, JobSink sink)
        throws InvalidRequestException, UnknownModelException {
        submit(validate(request), receivedAtMillis, sink);
    }

    /** Checks a request (fields, reply topic allow-list, cost cap) without taking it. */
    public ValidRequest validate(GenerationRequest request) throws InvalidRequestException {
        return validator.validate(request);
    }

    /** Takes a validated request; once accepted, the sink hears about every chunk (or an error) and then finished(). */
    public void submit(ValidRequest valid, long receivedAtMillis, JobSink sink) throws UnknownModelException {
        LoadedModel model = registry.acquire(valid.request().getModel());
        Future<Void> topicReady = replyTopics.verify(valid.resultTopic());
        if (topicReady.succeeded()) {
            enqueue(valid, model, sink, receivedAtMillis);
            return;
        }
        topicReady.onComplete(ready -> {
            if (ready.succeeded()) {
                enqueue(valid, model, sink, receivedAtMillis);
                return;
            }
            model.release();
            String reason = ready.cause().getMessage();
            log.info("request {} refused: {}", valid.request().getRequestId(), reason);
            sink.sendError(valid, ErrorCode.REPLY_TOPIC_REJECTED, reason).onComplete(sent -> sink.finished(sent.succeeded()));
        });
    }

    private void enqueue(ValidRequest valid, LoadedModel model, JobSink sink, long receivedAtMillis) {
        GenerationRequest request = valid.request();
        int chunkCount = Chunk.chunkCount(request.getNumImages(), config.maxBatchImages());
        GenerationJob job = new GenerationJob(valid, model, sink, receivedAtMillis, chunkCount);
        BatchKey key = new BatchKey(model, valid.settings(), request.getPurpose());
        long now = System.currentTimeMillis();
        for (Chunk chunk : Chunk.split(job, request.getNumImages(), config.maxBatchImages())) {
            order.add(key, chunk, now);
        }
        pump();
    }

    /** Hands batches to free generators, then arms the timer for the next queue to fall due. */
    private void pump() {
        if (stopped) {
            return;
        }
        long now = System.currentTimeMillis();
        while (busy < config.generatorThreads()) {
            Batch next = order.next(now).orElse(null);
            if (next == null) {
                break;
            }
            dispatch(next);
        }
        if (busy < config.generatorThreads()) {
            armTimer();
        }
    }

    private void armTimer() {
        OptionalLong deadline = order.nextDeadline();
        if (deadline.isEmpty() || deadline.getAsLong() >= timerDeadline) {
            return;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        timerDeadline = deadline.getAsLong();
        timerId = vertx.setTimer(Math.max(1, timerDeadline - System.currentTimeMillis()), id -> {
            timerId = -1;
            timerDeadline = Long.MAX_VALUE;
            pump();
        });
    }

    private void dispatch(Batch batch) {
        busy++;
        running++;
        runner.forward(batch)
            .andThen(forwarded -> {
                busy--;
                pump();
            })
            .compose(pixels -> runner.encode(batch, pixels))
            .onComplete(done -> {
                if (done.succeeded()) {
                    metrics.batch(batch.key().purpose(), done.result().images(), done.result().generationMs());
                    List<GenerationResult> results = done.result().results();
                    for (int i = 0; i < results.size(); i++) {
                        GenerationJob job = batch.chunks().get(i).job();
                        job.chunkDone(job.failed() ? null : job.sink().send(job.request(), results.get(i)), null);
                    }
                } else {
                    log.error("batch of {} images on {} failed", batch.images(), batch.key().model().describe(), done.cause());
                    metrics.error("INTERNAL");
                    String reason = "generation failed: " + done.cause();
                    batch.chunks().forEach(chunk -> chunk.job().chunkDone(null, reason));
                }
                running--;
                if (stopped && running == 0) {
                    idle.tryComplete();
                }
            });
    }

    /**
     * Starts no more batches (those still queued stay unanswered, so uncommitted, and go to the next owner) and
     * completes once the batches already on a generator have handed over their results: a worker thread must never
     * finish a forward pass after the event loop it reports to was closed.
     */
    public Future<Void> stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        if (running == 0) {
            idle.tryComplete();
        }
        return idle.future();
    }

    public int waitingImages() {
        return order.waitingImages();
    }
}
