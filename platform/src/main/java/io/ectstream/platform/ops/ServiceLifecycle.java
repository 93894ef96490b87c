package io.ectstream.platform.ops;

import io.ectstream.platform.kafka.BrokerWatch;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a long-running command, in the order an orchestrator expects: not ready while starting, ready once the
 * service says it runs ({@link #readyWhen}), and on SIGTERM (or {@link #beginShutdown}) readiness off first, then the
 * command's main thread is released to stop taking work and drain (bounded by {@link #drainTimeout()}), then
 * {@link #close} stops the ops endpoint last, so /health answers until the end. The shutdown hook waits for that
 * close (drain time plus a margin) before the JVM exits.
 */
public final class ServiceLifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);
    /** Beyond the drain: time to commit, leave the group and close the clients. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);

    private static final Duration BROKER_CHECK_EVERY = Duration.ofSeconds(5);

    private final String service;
    private final Duration drainTimeout;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final OpsServer server;
    private final CountDownLatch shutdownRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile BooleanSupplier running = () -> false;
    private BrokerWatch brokerWatch;
    private volatile boolean stopping;
    private Thread hook;

    /**
     * @param port the ops endpoint's port, 0 for a free one, null for none (metrics are still kept)
     */
    public ServiceLifecycle(String service, String host, Integer port, Duration drainTimeout) {
        this.service = service;
        this.drainTimeout = drainTimeout;
        this.server = port == null ? null : OpsServer.start(host, port, metrics, this::ready);
        if (server != null) {
            log.info("{}: /health, /ready and /metrics on http://{}:{}", service, host, server.port());
        }
    }

    /** Makes SIGTERM and Ctrl-C go through {@link #beginShutdown} and wait for {@link #close}. */
    public ServiceLifecycle withShutdownHook() {
        hook = new Thread(
                () -> {
                    beginShutdown();
                    try {
                        closed.await(drainTimeout.plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                service + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return this;
    }

    /**
     * Watches the Kafka cluster: one line when it stops answering and one when it is back, and the gauge
     * ect_kafka_broker_reachable (1 or 0).
     */
    public ServiceLifecycle watchKafka(KafkaClientSettings settings) {
        brokerWatch = BrokerWatch.start(settings, BROKER_CHECK_EVERY);
        Gauge.builder("ect.kafka.broker.reachable", brokerWatch, w -> w.reachable() ? 1 : 0)
                .description("1 while the Kafka cluster answers, 0 while it does not")
                .register(metrics.registry());
        return this;
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    /** What "running" means for this service, e.g. its Streams are RUNNING or REBALANCING. */
    public void readyWhen(BooleanSupplier running) {
        this.running = running;
    }

    /** Ready: running and not shutting down. */
    public boolean ready() {
        return !stopping && running.getAsBoolean();
    }

    /** The ops endpoint's bound port, -1 without one. */
    public int opsPort() {
        return server == null ? -1 : server.port();
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** Readiness off, then the main thread is released from {@link #awaitShutdownRequest}. */
    public void beginShutdown() {
        if (!stopping) {
            stopping = true;
            log.info("{}: shutting down, not ready; draining for at most {} s", service, drainTimeout.toSeconds());
        }
        shutdownRequested.countDown();
    }

    public boolean shuttingDown() {
        return stopping;
    }

    /** Blocks the command's main thread until shutdown begins. */
    public void awaitShutdownRequest() throws InterruptedException {
        shutdownRequested.await();
    }

    /** Stops the ops endpoint and lets a waiting shutdown hook end the JVM. */
    @Override
    public void close() {
        stopping = true;
        if (server != null) {
            server.close();
        }
        if (brokerWatch != null) {
            brokerWatch.close();
        }
        metrics.close();
        closed.countDown();
        if (hook != null && shutdownRequested.getCount() > 0) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running and now returns
            }
        }
    }
}
