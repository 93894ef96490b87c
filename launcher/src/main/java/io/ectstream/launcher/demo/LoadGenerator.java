package io.ectstream.launcher.demo;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.records.GenerationRequests;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User traffic for the demo, closed-loop ({@link ClosedLoop}): small PNG requests for the newest model of a
 * run, alternating 1-step and 2-step sampling, offered at the target rate once a model is served and sent
 * only while fewer than the bound are unanswered. Answers (the last chunk of a result, or an error) are read
 * from the results and errors topics by request id. One thread.
 */
final class LoadGenerator implements AutoCloseable {
    static final String ID_PREFIX = "demo-user-";
    private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);
    private static final long REPORT_WINDOW_MS = 10_000;
    private static final long GIVE_UP_MS = 120_000;

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> answers;
    private final Topics topics;
    private final AvroCodec<GenerationRequest> requests = new AvroCodec<>(GenerationRequest.class);
    private final AvroCodec<GenerationResult> results = new AvroCodec<>(GenerationResult.class);
    private Thread thread;
    private volatile boolean running = true;
    private volatile ClosedLoop loop;

    LoadGenerator(KafkaClientSettings settings, Topics topics) {
        this.topics = topics;
        this.producer = KafkaClients.producer(settings, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
        this.answers = KafkaClients.consumer(
                settings.without(ConsumerConfig.GROUP_ID_CONFIG),
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024));
    }

    void start(
            String runId,
            double requestsPerSecond,
            int maxInFlight,
            int imagesPerRequest,
            BooleanSupplier modelServed) {
        if (requestsPerSecond <= 0) {
            return;
        }
        loop = new ClosedLoop(maxInFlight, requestsPerSecond, REPORT_WINDOW_MS, GIVE_UP_MS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.results(), topics.errors())) {
            answers.partitionsFor(topic, Duration.ofSeconds(15))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        answers.assign(partitions);
        answers.seekToEnd(partitions);
        partitions.forEach(answers::position);
        long periodNanos = Math.max(1_000_000, Math.round(1e9 / requestsPerSecond));
        thread = new Thread(() -> run(runId, periodNanos, imagesPerRequest, modelServed), "demo-load");
        thread.setDaemon(true);
        thread.start();
        log.info(
                "user load: {} requests/s of {} images, at most {} in flight",
                requestsPerSecond,
                imagesPerRequest,
                maxInFlight);
    }

    private void run(String runId, long periodNanos, int imagesPerRequest, BooleanSupplier modelServed) {
        long nextTick = System.nanoTime() + periodNanos;
        long n = 0;
        try {
            while (running) {
                long wait = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000);
                readAnswers(Duration.ofMillis(Math.min(wait, 100)));
                if (System.nanoTime() < nextTick) {
                    continue;
                }
                nextTick += periodNanos;
                long now = System.currentTimeMillis();
                String line = loop.report(now);
                if (line != null) {
                    log.info(line);
                }
                if (modelServed.getAsBoolean() && loop.tryStart(ID_PREFIX + (n + 1), now)) {
                    n++;
                    send(request(ID_PREFIX + n, runId, n, imagesPerRequest));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("demo load generator woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("demo load generator stopped: {}", e.toString());
        } finally {
            answers.close(Duration.ofSeconds(2));
        }
    }

    private void readAnswers(Duration timeout) {
        for (ConsumerRecord<String, byte[]> record : answers.poll(timeout)) {
            String id = record.key();
            if (id == null || !id.startsWith(ID_PREFIX)) {
                continue;
            }
            if (record.topic().equals(topics.errors())) {
                loop.answered(id);
                continue;
            }
            try {
                GenerationResult result = results.decode(record.value());
                if (result.getChunkIndex() == result.getChunkCount() - 1) {
                    loop.answered(id);
                }
            } catch (RecordDecodingException e) {
                // not a result this version reads; the request's slot is freed after the give-up time
            }
        }
    }

    private void send(GenerationRequest request) {
        producer.send(
                new ProducerRecord<>(topics.requests(), request.getRequestId(), requests.encode(request)), (m, e) -> {
                    if (e != null) {
                        loop.answered(request.getRequestId());
                        log.warn("user request {} not sent: {}", request.getRequestId(), e.toString());
                    }
                });
    }

    static GenerationRequest request(String requestId, String runId, long n, int imagesPerRequest) {
        return GenerationRequests.request(requestId, runId, null)
                .numImages(imagesPerRequest)
                .steps(n % 2 == 0 ? 2 : 1)
                .seed(n)
                .build(Instant.now());
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            answers.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            answers.close(Duration.ofSeconds(2));
        }
        producer.close(Duration.ofSeconds(5));
    }
}
