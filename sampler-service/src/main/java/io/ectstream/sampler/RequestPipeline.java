package io.ectstream.sampler;

import io.ectstream.platform.logging.LogContext;
import io.ectstream.sampler.batch.Backlog;
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
import io.ectstream.schemas.TrafficPurpose;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
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
 * <p>
 * Back-pressure ({@link ServingLimits}): a request's deadline (its deadlineMs, or the default for user traffic) runs
 * from its record's timestamp; it is checked when the request is read (EXPIRED at once) and again when its first
 * chunk is about to go to a generator (EXPIRED instead of images; once a chunk ran, the request is answered in full).
 * User work accepted and not yet generated may cost {@code maxQueuedUserCost} network evaluations; a user request that
 * would pass it is refused at once with OVERLOADED. Evaluation work is never shed. Deadlines use the injected clock.
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
    private final LongSupplier clock;
    private final Backlog backlog = new Backlog();
    private int busy;
    /** Batches from dispatch until their results were handed to the sinks (forward pass and encoding). */
    private int running;

    private boolean stopped;
    private final Promise<Void> idle = Promise.promise();
    private long timerId = -1;
    private long timerDeadline = Long.MAX_VALUE;

    public RequestPipeline(
            Vertx vertx,
            SamplerConfig config,
            ModelRegistry registry,
            BatchRunner runner,
            SamplerMetrics metrics,
            ReplyTopicExistence replyTopics) {
        this(vertx, config, registry, runner, metrics, replyTopics, System::currentTimeMillis);
    }

    /** @param clock epoch milliseconds that deadlines are checked against (tests move it) */
    public RequestPipeline(
            Vertx vertx,
            SamplerConfig config,
            ModelRegistry registry,
            BatchRunner runner,
            SamplerMetrics metrics,
            ReplyTopicExistence replyTopics,
            LongSupplier clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.config = config;
        this.registry = registry;
        this.replyTopics = replyTopics;
        Admission admission = config.admission();
        Batching batching = config.batching();
        this.validator = new RequestValidator(
                admission.maxImagesPerRequest(), admission.maxRequestCost(), config.replyTopicPolicy());
        this.order = new DispatchOrder(
                batching.maxBatchImages(), batching.maxWaitMs(), batching.userBatchesPerEvaluationBatch());
        this.runner = runner;
        this.metrics = metrics;
        for (TrafficPurpose purpose : TrafficPurpose.values()) {
            metrics.shedCount(purpose);
            metrics.expiredCount(purpose);
            metrics.gauge(
                    "ect.sampler.queue.requests",
                    purpose,
                    "Requests accepted and not yet generated",
                    () -> backlog.requests(purpose));
            metrics.gauge(
                    "ect.sampler.queue.cost",
                    purpose,
                    "Network evaluations of the requests accepted and not yet generated",
                    () -> backlog.cost(purpose));
            metrics.gauge(
                    "ect.sampler.queue.cost.max",
                    purpose,
                    "Highest ect.sampler.queue.cost so far",
                    () -> backlog.maxCost(purpose));
            metrics.gauge(
                    "ect.sampler.queue.oldest.age.seconds",
                    purpose,
                    "Age of the oldest request accepted and not yet generated",
                    () -> backlog.oldestAgeMs(purpose, clock.getAsLong()) / 1000.0);
        }
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

    /**
     * Takes a validated request; once accepted, the sink hears about every chunk (or an error) and then finished().
     * Refuses it (InvalidRequestException) with EXPIRED when its deadline passed before it was read, and a user request
     * with OVERLOADED when the queued user work would pass its bound.
     *
     * @param receivedAtMillis when the request entered the system: its record's timestamp, or when HTTP received it
     */
    public void submit(ValidRequest valid, long receivedAtMillis, JobSink sink)
            throws UnknownModelException, InvalidRequestException {
        GenerationRequest request = valid.request();
        TrafficPurpose purpose = request.getPurpose();
        long now = clock.getAsLong();
        // A timestamp ahead of this clock (or none) starts the deadline when the request is read.
        long anchor = receivedAtMillis <= 0 ? now : Math.min(receivedAtMillis, now);
        Long deadlineMs = request.getDeadlineMs() != null
                ? request.getDeadlineMs()
                : purpose == TrafficPurpose.USER && config.limits().defaultDeadlineMs() > 0
                        ? config.limits().defaultDeadlineMs()
                        : null;
        long deadlineAt = deadlineMs == null ? Long.MAX_VALUE : saturatedAdd(anchor, deadlineMs);
        if (now >= deadlineAt) {
            metrics.expired(purpose);
            throw new InvalidRequestException(
                    ErrorCode.EXPIRED,
                    "deadlineMs",
                    "the request waited " + (now - anchor) + " ms before it was read, past its deadline of "
                            + deadlineMs + " ms");
        }
        long cost = valid.cost();
        if (purpose == TrafficPurpose.USER
                && backlog.cost(purpose) + cost > config.limits().maxQueuedUserCost()) {
            metrics.shed(purpose);
            throw new InvalidRequestException(
                    ErrorCode.OVERLOADED,
                    "queue",
                    "user work queued costs " + backlog.cost(purpose)
                            + " of at most " + config.limits().maxQueuedUserCost()
                            + " network evaluations; this request costs " + cost
                            + ", retry later");
        }
        LoadedModel model = registry.acquire(request.getModel());
        GenerationJob job = new GenerationJob(
                valid,
                model,
                sink,
                anchor,
                Chunk.chunkCount(request.getNumImages(), config.batching().maxBatchImages()),
                deadlineAt);
        backlog.add(purpose, job, cost);
        Future<Void> topicReady = replyTopics.verify(valid.resultTopic());
        if (topicReady.succeeded()) {
            enqueue(job);
            return;
        }
        topicReady.onComplete(ready -> {
            if (ready.succeeded()) {
                enqueue(job);
                return;
            }
            backlog.remove(purpose, job);
            model.release();
            String reason = ready.cause().getMessage();
            try (LogContext ignored = RequestLogContext.of(request)) {
                log.info("request {} refused: {}", request.getRequestId(), reason);
            }
            sink.sendError(valid, ErrorCode.REPLY_TOPIC_REJECTED, reason)
                    .onComplete(sent -> sink.finished(sent.succeeded()));
        });
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private void enqueue(GenerationJob job) {
        ValidRequest valid = job.request();
        GenerationRequest request = valid.request();
        LoadedModel model = job.model();
        BatchKey key = new BatchKey(model, valid.settings(), request.getPurpose());
        long now = System.currentTimeMillis();
        for (Chunk chunk :
                Chunk.split(job, request.getNumImages(), config.batching().maxBatchImages())) {
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
        while (busy < config.batching().generatorThreads()) {
            Batch next = order.next(now).orElse(null);
            if (next == null) {
                break;
            }
            Batch live = dropExpired(next);
            if (!live.chunks().isEmpty()) {
                dispatch(live);
            }
        }
        if (busy < config.batching().generatorThreads()) {
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

    /**
     * The batch without the chunks of requests that failed or expired: a request none of whose chunks ran yet and whose
     * deadline passed gets EXPIRED; the others are from then on answered in full.
     */
    private Batch dropExpired(Batch batch) {
        long now = clock.getAsLong();
        List<Chunk> live = new ArrayList<>(batch.chunks().size());
        for (Chunk chunk : batch.chunks()) {
            GenerationJob job = chunk.job();
            if (!job.failed() && !job.started() && now >= job.deadlineAtMillis()) {
                TrafficPurpose purpose = job.request().request().getPurpose();
                metrics.expired(purpose);
                String reason = "deadline passed before generation: waited " + (now - job.receivedAtMillis())
                        + " ms, deadline " + (job.deadlineAtMillis() - job.receivedAtMillis()) + " ms";
                try (LogContext ignored = RequestLogContext.of(job.request().request())) {
                    log.info("request {} expired: {}", job.request().request().getRequestId(), reason);
                }
                job.expire(reason);
            }
            if (job.failed()) {
                chunkDone(job, null, null);
            } else {
                job.markStarted();
                live.add(chunk);
            }
        }
        return live.size() == batch.chunks().size() ? batch : new Batch(batch.key(), live);
    }

    /** Hands a chunk's outcome to its job, and takes the job off the backlog once nothing of it is left to generate. */
    private void chunkDone(GenerationJob job, Future<Void> send, String failure) {
        job.chunkDone(send, failure);
        if (job.done()) {
            backlog.remove(job.request().request().getPurpose(), job);
        }
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
                        metrics.batch(
                                batch.key().purpose(),
                                done.result().images(),
                                done.result().generationMs());
                        List<GenerationResult> results = done.result().results();
                        for (int i = 0; i < results.size(); i++) {
                            GenerationJob job = batch.chunks().get(i).job();
                            chunkDone(job, job.failed() ? null : job.sink().send(job.request(), results.get(i)), null);
                        }
                    } else {
                        try (LogContext ignored =
                                RequestLogContext.of(batch.key().model().version())) {
                            log.error(
                                    "batch of {} images on {} failed",
                                    batch.images(),
                                    batch.key().model().describe(),
                                    done.cause());
                        }
                        metrics.error("INTERNAL");
                        String reason = "generation failed: " + done.cause();
                        batch.chunks().forEach(chunk -> chunkDone(chunk.job(), null, reason));
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

    /** The work accepted and not yet generated, per purpose. */
    public Backlog backlog() {
        return backlog;
    }
}
