package io.ectstream.platform.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's Prometheus registry: the JVM's meters (jvm_memory_used_bytes, jvm_gc_*, jvm_threads_*,
 * process_cpu_usage, process_uptime_seconds, ...) from the start, the Kafka clients' and Streams' meters once
 * {@link #bind bound} (micrometer-core's KafkaClientMetrics / KafkaStreamsMetrics: kafka_producer_*, kafka_consumer_*,
 * kafka_stream_*). Totals are counters, so Prometheus takes their rate().
 */
public final class ServiceMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> bound = new ArrayList<>();

    public ServiceMetrics() {
        bindJvm(registry);
    }

    /** The JVM and process meters every service exports; the sampler binds them to its own registry. */
    public static void bindJvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry); // never closed: it lives as long as the JVM's collectors
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Binds a client's or Streams' meters (e.g. new KafkaClientMetrics(producer)); closed with this registry. */
    public synchronized <T extends MeterBinder & AutoCloseable> T bind(T binder) {
        binder.bindTo(registry);
        bound.add(binder);
        return binder;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable binder : bound) {
            try {
                binder.close();
            } catch (Exception e) {
                log.debug("closing a meter binder: {}", e.toString());
            }
        }
        bound.clear();
        registry.close();
    }
}
