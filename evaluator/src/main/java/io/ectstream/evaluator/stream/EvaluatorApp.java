package io.ectstream.evaluator.stream;

import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.platform.ops.ServiceMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running evaluator: the topology in a KafkaStreams instance, closed with a timeout. */
public final class EvaluatorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluatorApp.class);

    private final KafkaStreams streams;
    private final EvaluatorCounters counters;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private EvaluatorApp(KafkaStreams streams, EvaluatorCounters counters) {
        this.streams = streams;
        this.counters = counters;
    }

    public static EvaluatorApp start(
            EvaluatorConfig config, FeatureExtractor extractor, ReferenceStatistics reference) {
        EvaluatorCounters counters = new EvaluatorCounters();
        Topology topology = FidTopology.buildTopology(config, extractor, reference, counters, Clock.systemUTC());
        KafkaStreams streams = new KafkaStreams(topology, StreamsSettings.properties(config));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("evaluator stream thread failed, replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
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
        return new EvaluatorApp(streams, counters);
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

    /** Exports the Streams' and their clients' meters (kafka_stream_*, kafka_consumer_*, kafka_producer_*). */
    public void bindMetrics(ServiceMetrics metrics) {
        metrics.bind(new KafkaStreamsMetrics(streams));
    }

    /** Started and neither stopping nor failed: RUNNING or REBALANCING. */
    public boolean running() {
        return streams.state().isRunningOrRebalancing();
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
