package io.ectstream.sampler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The sampler's meters (Prometheus names after the exporter's conversion):
 * ect_sampler_requests_total{outcome}, ect_sampler_images_total, ect_sampler_images_per_second,
 * ect_sampler_batch_images (summary with histogram), ect_sampler_request_latency_seconds,
 * ect_sampler_batch_generation_seconds, ect_sampler_model_loads_total{outcome}, ect_sampler_errors_total{code}.
 */
public final class SamplerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter images;
    private final DistributionSummary batchImages;
    private final Timer requestLatency;
    private final Timer batchGeneration;
    private final ImagesRate rate = new ImagesRate();

    public SamplerMetrics() {
        images = Counter.builder("ect.sampler.images").description("Images generated").register(registry);
        batchImages = DistributionSummary.builder("ect.sampler.batch.images").description("Images per forward pass")
            .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1024.0).register(registry);
        requestLatency = Timer.builder("ect.sampler.request.latency").description("From request record to last result sent")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
        batchGeneration = Timer.builder("ect.sampler.batch.generation").description("Forward pass time per batch")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
        Gauge.builder("ect.sampler.images.per.second", rate, ImagesRate::perSecond)
            .description("Images generated per second over the last 10 s").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public void request(String outcome) {
        registry.counter("ect.sampler.requests", "outcome", outcome).increment();
    }

    public void error(String code) {
        registry.counter("ect.sampler.errors", "code", code).increment();
    }

    public void modelLoad(String outcome) {
        registry.counter("ect.sampler.model.loads", "outcome", outcome).increment();
    }

    public void batch(int imageCount, double generationMs) {
        images.increment(imageCount);
        batchImages.record(imageCount);
        batchGeneration.record((long) (generationMs * 1e6), TimeUnit.NANOSECONDS);
        rate.add(imageCount);
    }

    public void requestLatency(long millis) {
        requestLatency.record(millis, TimeUnit.MILLISECONDS);
    }

    public void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
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
