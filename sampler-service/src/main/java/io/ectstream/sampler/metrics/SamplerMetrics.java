package io.ectstream.sampler.metrics;

import io.ectstream.platform.ops.ServiceMetrics;
import io.ectstream.schemas.TrafficPurpose;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The sampler's meters (Prometheus names after the exporter's conversion):
 * ect_sampler_requests_total{outcome,purpose}, ect_sampler_images_total{purpose} (counters: take their rate()),
 * ect_sampler_images_per_second (deprecated, removed in the next release: rate(ect_sampler_images_total[1m]) instead),
 * ect_sampler_batch_images{purpose} (summary with histogram), ect_sampler_request_latency_seconds{purpose},
 * ect_sampler_batch_generation_seconds{purpose}, ect_sampler_model_loads_total{outcome}, ect_sampler_errors_total{code};
 * the backlog: ect_sampler_queue_requests{purpose}, ect_sampler_queue_cost{purpose} (network evaluations accepted and not
 * yet generated), ect_sampler_queue_cost_max{purpose} (its highest value), ect_sampler_queue_oldest_age_seconds{purpose},
 * ect_sampler_requests_shed_total{purpose} (refused OVERLOADED for the queue bound), ect_sampler_requests_expired_total{purpose}.
 * the JVM's meters as every service has them (jvm_*, process_*; ServiceMetrics#bindJvm); the sampler's own Kafka
 * clients' meters (kafka_consumer_*, kafka_producer_*, tagged with their client_id; micrometer's KafkaClientMetrics).
 * {@code purpose} is USER or EVALUATION (the request's TrafficPurpose), UNKNOWN for a record that did not decode:
 * evaluation traffic never mixes into the user latency and throughput figures.
 */
public final class SamplerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ImagesRate rate = new ImagesRate();
    private final Map<String, PurposeMeters> byPurpose = new ConcurrentHashMap<>();

    /** The meters tagged with one purpose, registered on first use. */
    private record PurposeMeters(
            Counter images, DistributionSummary batchImages, Timer requestLatency, Timer batchGeneration) {}

    public SamplerMetrics() {
        ServiceMetrics.bindJvm(registry);
        Gauge.builder("ect.sampler.images.per.second", rate, ImagesRate::perSecond)
                .description("Deprecated, removed in the next release: rate(ect_sampler_images_total[1m]) instead."
                        + " Images generated per second over the last 10 s (all purposes)")
                .register(registry);
        meters(TrafficPurpose.USER.name());
    }

    private PurposeMeters meters(String purpose) {
        return byPurpose.computeIfAbsent(
                purpose,
                p -> new PurposeMeters(
                        Counter.builder("ect.sampler.images")
                                .tag("purpose", p)
                                .description("Images generated")
                                .register(registry),
                        DistributionSummary.builder("ect.sampler.batch.images")
                                .tag("purpose", p)
                                .description("Images per forward pass")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(1.0)
                                .maximumExpectedValue(1024.0)
                                .register(registry),
                        Timer.builder("ect.sampler.request.latency")
                                .tag("purpose", p)
                                .description("From request record to last result sent")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(60))
                                .register(registry),
                        Timer.builder("ect.sampler.batch.generation")
                                .tag("purpose", p)
                                .description("Forward pass time per batch")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(60))
                                .register(registry)));
    }

    private static String tag(TrafficPurpose purpose) {
        return purpose == null ? "UNKNOWN" : purpose.name();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Exports a Kafka consumer's meters until the answer is closed (close it with the consumer). */
    public KafkaClientMetrics bind(Consumer<?, ?> consumer) {
        return bound(new KafkaClientMetrics(consumer));
    }

    /** Exports a Kafka producer's meters until the answer is closed (close it with the producer). */
    public KafkaClientMetrics bind(Producer<?, ?> producer) {
        return bound(new KafkaClientMetrics(producer));
    }

    private KafkaClientMetrics bound(KafkaClientMetrics binder) {
        binder.bindTo(registry);
        return binder;
    }

    public String scrape() {
        return registry.scrape();
    }

    /** A user request's outcome (HTTP requests are user traffic). */
    public void request(String outcome) {
        request(outcome, TrafficPurpose.USER);
    }

    /** A request's outcome; a null purpose (the record did not decode) counts as UNKNOWN. */
    public void request(String outcome, TrafficPurpose purpose) {
        registry.counter("ect.sampler.requests", "outcome", outcome, "purpose", tag(purpose))
                .increment();
    }

    /** A request refused with OVERLOADED because the queued user work was at its bound. */
    public void shed(TrafficPurpose purpose) {
        registry.counter("ect.sampler.requests.shed", "purpose", tag(purpose)).increment();
    }

    /** A request answered EXPIRED: its deadline passed before it was generated. */
    public void expired(TrafficPurpose purpose) {
        registry.counter("ect.sampler.requests.expired", "purpose", tag(purpose))
                .increment();
    }

    public double shedCount(TrafficPurpose purpose) {
        return registry.counter("ect.sampler.requests.shed", "purpose", tag(purpose))
                .count();
    }

    public double expiredCount(TrafficPurpose purpose) {
        return registry.counter("ect.sampler.requests.expired", "purpose", tag(purpose))
                .count();
    }

    public void error(String code) {
        registry.counter("ect.sampler.errors", "code", code).increment();
    }

    public void modelLoad(String outcome) {
        registry.counter("ect.sampler.model.loads", "outcome", outcome).increment();
    }

    public void batch(TrafficPurpose purpose, int imageCount, double generationMs) {
        PurposeMeters m = meters(tag(purpose));
        m.images().increment(imageCount);
        m.batchImages().record(imageCount);
        m.batchGeneration().record((long) (generationMs * 1e6), TimeUnit.NANOSECONDS);
        rate.add(imageCount);
    }

    /** A user batch. */
    public void batch(int imageCount, double generationMs) {
        batch(TrafficPurpose.USER, imageCount, generationMs);
    }

    /** A user request's latency. */
    public void requestLatency(long millis) {
        requestLatency(TrafficPurpose.USER, millis);
    }

    public void requestLatency(TrafficPurpose purpose, long millis) {
        meters(tag(purpose)).requestLatency().record(millis, TimeUnit.MILLISECONDS);
    }

    /** The request latency timer of one purpose (for tests and the dashboard). */
    public Timer requestLatencyTimer(TrafficPurpose purpose) {
        return meters(tag(purpose)).requestLatency();
    }

    /** Images generated for one purpose so far. */
    public double images(TrafficPurpose purpose) {
        return meters(tag(purpose)).images().count();
    }

    public void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }

    /** A gauge of one purpose. */
    public void gauge(String name, TrafficPurpose purpose, String description, Supplier<Number> value) {
        Gauge.builder(name, value)
                .tag("purpose", tag(purpose))
                .description(description)
                .register(registry);
    }

    /** Images over a sliding 10 s window, in 1 s buckets. */
    static final class ImagesRate {
        private final long[] buckets = new long[10];
        private long bucketSecond = System.currentTimeMillis() / 1000;

        synchronized void add(int n) {
            roll();
            buckets[(int) (bucketSecond % buckets.length)] += n;
        }

        synchronized double perSecond() {
            roll();
            long sum = 0;
            for (long b : buckets) {
                sum += b;
            }
            return sum / (double) buckets.length;
        }

        private void roll() {
            long now = System.currentTimeMillis() / 1000;
            for (long s = bucketSecond + 1; s <= now && s <= bucketSecond + buckets.length; s++) {
                buckets[(int) (s % buckets.length)] = 0;
            }
            bucketSecond = Math.max(bucketSecond, now);
        }
    }
}
