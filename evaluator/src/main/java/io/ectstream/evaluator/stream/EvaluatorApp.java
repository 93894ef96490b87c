package io.ectstream.evaluator.stream;

import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.platform.ops.ServiceMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running evaluator: the topology in a KafkaStreams instance, closed with a timeout. */
public final class EvaluatorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluatorApp.class);

    private final KafkaStreams streams;
    private final EvaluatorCounters counters;
    private final StreamThreadFailures failures;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private EvaluatorApp(KafkaStreams streams, EvaluatorCounters counters, StreamThreadFailures failures) {
        this.streams = streams;
        this.counters = counters;
        this.failures = failures;
    }

    public static EvaluatorApp start(
            EvaluatorConfig config, FeatureExtractor extractor, ReferenceStatistics reference) {
        EvaluatorCounters counters = new EvaluatorCounters();
        Topology topology = FidTopology.buildTopology(config, extractor, reference, counters, Clock.systemUTC());
        KafkaStreams streams = new KafkaStreams(topology, StreamsSettings.properties(config, counters));
        StreamThreadFailures failures = new StreamThreadFailures();
        streams.setUncaughtExceptionHandler(e -> {
            failures.failed(commits(streams));
            if (failures.failures() == 1) {
                log.error("evaluator stream thread failed, replacing it", e);
            } else {
                log.error(
                        "evaluator stream thread failed again ({} times, {} since the last commit), replacing it: {}",
                        failures.failures(),
                        failures.failuresWithoutCommit(),
                        rootCause(e));
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        log.info(
                "evaluator {} started: {} -> {} (K = {}, window {} samples, extractor {}, reference {})",
                config.applicationId(),
                config.topics().results(),
                config.topics().fid(),
                config.schedule().reportEvery(),
                config.schedule().windowSamples(),
                extractor.id(),
                reference.id());
        return new EvaluatorApp(streams, counters, failures);
    }

    /** Commits so far of each live stream thread (thread id to count), from the Streams' own metrics. */
    private static Map<String, Double> commits(KafkaStreams streams) {
        Map<String, Double> commits = new HashMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics")
                    && name.name().equals("commit-total")
                    && metric.metricValue() instanceof Double total) {
                commits.put(name.tags().get("thread-id"), total);
            }
        });
        return commits;
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public EvaluatorCounters counters() {
        return counters;
    }

    /** Waits until the application is RUNNING (partitions assigned, state restored). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Exports the Streams' and their clients' meters (kafka_stream_*, kafka_consumer_*, kafka_producer_*) and the
     * evaluator's own counters (ect_evaluator_*).
     */
    public void bindMetrics(ServiceMetrics metrics) {
        metrics.bind(new KafkaStreamsMetrics(streams));
        counters.bindTo(metrics.registry());
        FunctionCounter.builder("ect_evaluator_stream_thread_failures", failures, StreamThreadFailures::failures)
                .description("stream threads that failed and were replaced")
                .register(metrics.registry());
    }

    /** Started and neither stopping nor failed: RUNNING or REBALANCING. */
    public boolean running() {
        return streams.state().isRunningOrRebalancing();
    }

    /**
     * Running, and its stream threads do not keep failing ({@link StreamThreadFailures}): what {@code /ready} says. A
     * thread that fails on the same record again and again is replaced each time, so the state alone stays RUNNING.
     */
    public boolean ready() {
        return running() && !failures.keepFailing(commits(streams));
    }

    /** Stream threads that failed (and were replaced) since start. */
    public long streamThreadFailures() {
        return failures.failures();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Finishes the records in hand, commits and leaves the group, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        if (closed.getAndSet(true)) {
            return;
        }
        boolean done = streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        log.info("evaluator stopped{}", done ? "" : " (close timed out)");
    }
}
