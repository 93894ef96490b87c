package io.ectstream.sampler;

import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.sampler.intake.CheckpointIntake;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.ModelRegistry;
import io.ectstream.sampler.models.WarmingModelLoader;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampler service: a model registry fed by the checkpoint intake, and a Vert.x verticle serving
 * requests from Kafka and HTTP. {@link #start} returns once HTTP listens (GET /health answers 503
 * until a model is loaded); the request consumer subscribes only after the checkpoints already on the
 * topic were read and the newest of each run loaded ({@link #awaitRecovery}).
 */
public final class SamplerService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SamplerService.class);

    private final SamplerConfig config;
    private final Vertx vertx;
    private final ModelRegistry registry;
    private final SamplerMetrics metrics;
    private final SamplerVerticle verticle;
    private final CheckpointIntake checkpoints;
    private boolean closed;

    private SamplerService(SamplerConfig config, ModelLoader loader, LongSupplier clock) {
        this.config = config;
        this.vertx = Vertx.vertx();
        this.metrics = new SamplerMetrics();
        this.registry = new ModelRegistry(
                config.storeRoot(),
                new WarmingModelLoader(loader, config.batching().maxBatchImages()),
                config.limits().recentVersions());
        this.verticle = new SamplerVerticle(config, registry, metrics, clock);
        try {
            String deployment = vertx.deployVerticle(verticle).await(60, TimeUnit.SECONDS);
            log.debug("sampler verticle deployed: {}", deployment);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("sampler service failed to start: " + e.getMessage(), e);
        }
        Context context = vertx.getOrCreateContext();
        SamplerKafka kafka = config.kafka();
        this.checkpoints = new CheckpointIntake(
                kafka.client(),
                kafka.topics().checkpoints(),
                registry,
                error -> context.runOnContext(v -> verticle.publisher().error(error)),
                metrics,
                kafka.records());
        checkpoints.start(verticle::startIntake);
        log.info(
                "sampler service started: requests from {} (group {}), evaluation requests from {} (group {}), checkpoints from {}, store {}",
                kafka.topics().requests(),
                kafka.groupId(),
                kafka.evaluationRequestsTopic(),
                kafka.evaluationGroupId(),
                kafka.topics().checkpoints(),
                config.storeRoot());
    }

    public static SamplerService start(SamplerConfig config, ModelLoader loader) {
        return new SamplerService(config, loader, System::currentTimeMillis);
    }

    /** @param clock epoch milliseconds that request deadlines are checked against (a test moves it to expire requests) */
    public static SamplerService start(SamplerConfig config, ModelLoader loader, LongSupplier clock) {
        return new SamplerService(config, loader, clock);
    }

    /** The work accepted and not yet generated, per purpose. */
    public io.ectstream.sampler.batch.Backlog backlog() {
        return verticle.pipeline().backlog();
    }

    /** Waits until the checkpoints already on the topic at start were read and the newest of each run handled. */
    public boolean awaitRecovery(Duration timeout) throws InterruptedException {
        return checkpoints.awaitRecovery(timeout);
    }

    public ModelRegistry registry() {
        return registry;
    }

    public SamplerMetrics metrics() {
        return metrics;
    }

    public SamplerConfig config() {
        return config;
    }

    /** The bound HTTP port, or -1 when HTTP is disabled. */
    public int httpPort() {
        return verticle.httpPort();
    }

    /** Stops like a crash would: no draining, no final commits; unanswered requests go to the next owner. */
    public synchronized void kill() {
        if (closed) {
            return;
        }
        closed = true;
        verticle.markAbrupt();
        checkpoints.close();
        await(vertx.close());
        registry.close();
        log.warn("sampler service killed");
    }

    /** Stops reading, answers what is in flight (up to 10 s), commits, and closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        checkpoints.close();
        await(vertx.close());
        registry.close();
        log.info("sampler service stopped");
    }

    private static void await(io.vertx.core.Future<?> future) {
        try {
            future.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("sampler shutdown: {}", e.toString());
        }
    }
}
