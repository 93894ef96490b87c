package io.ectstream.launcher.demo;

import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * User traffic for the demo: small PNG requests for the newest model of a run at a fixed rate,
 * alternating 1-step and 2-step sampling, sent once a model is being served.
 */
final class LoadGenerator implements AutoCloseable {
    private final KafkaProducer<String, GenerationRequest> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "demo-load");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong sent = new AtomicLong();

    LoadGenerator(Map<String, Object> clientProperties) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), AvroSerdes.generationRequest().serializer());
    }

    void start(String topic, String runId, double requestsPerSecond, int imagesPerRequest, BooleanSupplier modelServed) {
        if (requestsPerSecond <= 0) {
            return;
        }
        long periodMicros = Math.max(1000, Math.round(1_000_000 / requestsPerSecond));
        timer.scheduleAtFixedRate(() -> {
            if (!modelServed.getAsBoolean()) {
                return;
            }
            long n = sent.incrementAndGet();
            String requestId = "demo-user-" + n;
            GenerationRequest request = GenerationRequest.newBuilder()
                .setRequestId(requestId)
                .setModel(ModelSelector.newBuilder().setRunId(runId).setStep(null).build())
                .setNumImages(imagesPerRequest)
                .setSteps(n % 2 == 0 ? 2 : 1)
                .setSeed(n)
                .setTMid(null)
                .setOutputFormat(ImageFormat.PNG)
                .setReplyTopic(null)
                .setSampler(SamplerKind.ECT)
                .setPurpose(TrafficPurpose.USER)
                .setCreatedAt(Instant.now())
                .build();
            producer.send(new ProducerRecord<>(topic, requestId, request));
        }, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }

    long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
