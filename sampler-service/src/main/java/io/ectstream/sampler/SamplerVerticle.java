package io.ectstream.sampler;

import io.ectstream.sampler.generate.BatchRunner;
import io.ectstream.sampler.http.HttpApi;
import io.ectstream.sampler.intake.RequestIntake;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.ModelRegistry;
import io.ectstream.sampler.publish.KafkaPublisher;
import io.ectstream.sampler.publish.ReplyTopicExistence;
import io.ectstream.schemas.TrafficPurpose;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the request path on one event loop: Kafka intake and HTTP API -> pipeline (batcher) ->
 * generator workers -> publisher; user and evaluation requests each have their own intake. Stopping drains: it
 * turns readiness off and refuses new HTTP requests, stops reading, waits (up to 10 s) for the Kafka and HTTP requests
 * in flight to be answered and committed, then for the batches
 * already on a generator (a worker must not finish after the event loop closed), then closes the clients; an abrupt
 * stop skips that.
 */
final class SamplerVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(SamplerVerticle.class);
    private static final long DRAIN_MS = 10_000;

    private final SamplerConfig config;
    private final ModelRegistry registry;
    private final SamplerMetrics metrics;
    private final LongSupplier clock;
    private volatile boolean abrupt;
    private WorkerExecutor generators;
    private WorkerExecutor encoders;
    private KafkaPublisher publisher;
    private ReplyTopicExistence replyTopics;
    private RequestPipeline pipeline;
    private RequestIntake userIntake;
    private RequestIntake evaluationIntake;
    private HttpApi http;
    private volatile int httpPort = -1;

    SamplerVerticle(SamplerConfig config, ModelRegistry registry, SamplerMetrics metrics, LongSupplier clock) {
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        generators = vertx.createSharedWorkerExecutor(
                "ect-generator", config.batching().generatorThreads(), 10, TimeUnit.MINUTES);
        encoders = vertx.createSharedWorkerExecutor("ect-encoder", 2, 1, TimeUnit.MINUTES);
        SamplerKafka kafka = config.kafka();
        publisher = new KafkaPublisher(
                vertx, kafka.client(), kafka.topics().errors(), kafka.resultsJsonTopic(), metrics, kafka.records());
        replyTopics = new ReplyTopicExistence(
                kafka.client(), context, Set.of(kafka.topics().results()));
        pipeline = new RequestPipeline(
                vertx, config, registry, new BatchRunner(generators, encoders), metrics, replyTopics, clock);
        userIntake = new RequestIntake(
                vertx,
                new RequestIntake.Source(
                        kafka.topics().requests(),
                        kafka.groupId(),
                        TrafficPurpose.USER,
                        config.admission().maxInFlightRequests(),
                        Duration.ofMillis(DRAIN_MS)),
                kafka.client(),
                pipeline,
                publisher,
                metrics,
                kafka.records());
        evaluationIntake = new RequestIntake(
                vertx,
                new RequestIntake.Source(
                        kafka.evaluationRequestsTopic(),
                        kafka.evaluationGroupId(),
                        TrafficPurpose.EVALUATION,
                        config.admission().maxInFlightEvaluationRequests(),
                        Duration.ofMillis(DRAIN_MS)),
                kafka.client(),
                pipeline,
                publisher,
                metrics,
                kafka.records());
        metrics.gauge("ect.sampler.requests.in.flight", this::inFlight);
        metrics.gauge("ect.sampler.models.active", () -> registry.activeModels().size());
        Future<?> httpStarted = Future.succeededFuture();
        if (config.http().enabled()) {
            http = new HttpApi(
                    vertx,
                    pipeline,
                    registry,
                    metrics,
                    config.http().security(),
                    config.admission().maxHttpInFlightCost());
            httpStarted = http.listen(config.http().host(), config.http().port())
                    .onSuccess(port -> {
                        httpPort = port;
                        log.info(
                                "sampler HTTP API on {}://{}:{}{}",
                                config.http().security().tls() ? "https" : "http",
                                config.http().host(),
                                port,
                                config.http().security().tokenRequired() ? " (bearer token required)" : "");
                    });
        }
        return httpStarted;
    }

    /**
     * Subscribes to the requests topics; called once the checkpoints present at start were loaded, so
     * that requests are not refused as UNKNOWN_MODEL by an instance that is still recovering.
     */
    void startIntake() {
        context.runOnContext(v -> {
            userIntake.start();
            evaluationIntake.start();
        });
    }

    private int inFlight() {
        return userIntake.inFlight() + evaluationIntake.inFlight();
    }

    RequestPipeline pipeline() {
        return pipeline;
    }

    KafkaPublisher publisher() {
        return publisher;
    }

    int httpPort() {
        return httpPort;
    }

    void markAbrupt() {
        abrupt = true;
    }

    @Override
    public Future<?> stop() {
        Future<Void> drained;
        if (abrupt) {
            pipeline.stop(); // no new batch goes to the closing workers; none in flight is waited for, as in a crash
            drained = Future.succeededFuture();
        } else {
            drained = drain().transform(x -> step("batches on generators done", pipeline.stop()));
        }
        return drained.transform(x -> abrupt
                        ? Future.succeededFuture()
                        : Future.join(userIntake.commitNow(), evaluationIntake.commitNow()))
                .transform(x -> step(
                        "request consumers closed",
                        Future.join(userIntake.close(), evaluationIntake.close())
                                .mapEmpty()))
                .transform(x -> step("HTTP closed", http == null ? Future.succeededFuture() : http.close()))
                .transform(x -> step("producer closed", publisher.close()))
                .transform(x -> step("reply topic checks closed", vertx.<Void>executeBlocking(() -> {
                    replyTopics.close();
                    return null;
                })))
                .transform(x -> step("generator workers closed", generators.close()))
                .transform(x -> step("encoder workers closed", encoders.close()));
    }

    private Future<Void> step(String what, Future<Void> future) {
        return future.andThen(done -> log.debug(
                        "stop: {} ({})",
                        what,
                        done.succeeded() ? "ok" : done.cause().toString()))
                .recover(e -> Future.succeededFuture());
    }

    private Future<Void> drain() {
        if (http != null) {
            http.beginDrain(); // readiness off first, then no new HTTP work
        }
        userIntake.stopReading();
        evaluationIntake.stopReading();
        Promise<Void> done = Promise.promise();
        long deadline = System.currentTimeMillis() + DRAIN_MS;
        vertx.setPeriodic(1, 20, id -> {
            boolean committing = userIntake.committing() || evaluationIntake.committing();
            long httpCost = http == null ? 0 : http.inFlightCost();
            if ((inFlight() == 0 && httpCost == 0 && !committing) || System.currentTimeMillis() > deadline) {
                vertx.cancelTimer(id);
                if (inFlight() > 0) {
                    log.warn("stopping with {} requests unanswered; they will be redelivered", inFlight());
                }
                if (httpCost > 0) {
                    log.warn("stopping with HTTP requests of cost {} unanswered", httpCost);
                }
                done.complete();
            }
        });
        return done.future();
    }
}
