package io.ectstream.evaluator.driver;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.AvroSerdes;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every checkpoint: on each CheckpointEvent it asks the sampler, through Kafka, for the samples of
 * its {@link EvaluationPlan}, marked {@link TrafficPurpose#EVALUATION}, for that exact model version. The
 * evaluator's topology turns the results into one FidReport per (version, sampler, steps). It reads the
 * checkpoints topic in its own consumer group and commits after the requests are acknowledged, so a
 * restart neither skips nor repeats a checkpoint.
 */
public final class EvaluationDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, GenerationRequest> producer;
    private final String checkpointsTopic;
    private final String requestsTopic;
    private final EvaluationPlan plan;
    private final AvroCodec<CheckpointEvent> events = new AvroCodec<>(CheckpointEvent.class);
    private final Thread thread;
    private final AtomicLong requested = new AtomicLong();
    private volatile boolean running = true;

    public EvaluationDriver(Map<String, Object> clientProperties, String groupId, String checkpointsTopic,
                            String requestsTopic, EvaluationPlan plan) {
        Map<String, Object> consumerConfig = new HashMap<>(clientProperties);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerConfig = new HashMap<>(clientProperties);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), AvroSerdes.generationRequest().serializer());
        this.checkpointsTopic = checkpointsTopic;
        this.requestsTopic = requestsTopic;
        this.plan = plan;
        this.thread = new Thread(this::run, "evaluation-driver");
        this.thread.setDaemon(true);
    }

    public EvaluationDriver start() {
        consumer.subscribe(List.of(checkpointsTopic));
        thread.start();
        return this;
    }

    /** Evaluation requests sent so far. */
    public long requested() {
        return requested.get();
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        requestSamples(events.decode(record.value()));
                    } catch (RecordDecodingException e) {
                        log.warn("evaluation driver skipped an undecodable checkpoint event at {}-{}@{}: {}",
                            record.topic(), record.partition(), record.offset(), e.getMessage());
                    }
                }
                if (!records.isEmpty()) {
                    producer.flush();
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("evaluation driver stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void requestSamples(CheckpointEvent event) {
        for (SamplerSettings settings : plan.samplersFor(event.getPhase())) {
            for (int chunk = 0; chunk < plan.requestsPerSampler(); chunk++) {
                String requestId = "eval:" + event.getRunId() + ":" + event.getStep() + ":" + label(settings) + ":" + chunk;
                GenerationRequest request = GenerationRequest.newBuilder()
                    .setRequestId(requestId)
                    .setModel(ModelSelector.newBuilder().setRunId(event.getRunId()).setStep(event.getStep()).build())
                    .setNumImages(plan.imagesInRequest(chunk))
                    .setSteps(settings.steps())
                    .setSeed(plan.seed() + chunk)
                    .setTMid(settings.kind() == SamplerKind.ECT && settings.steps() == 2 ? settings.tMid() : null)
                    .setOutputFormat(ImageFormat.RAW_UINT8)
                    .setReplyTopic(null)
                    .setSampler(settings.kind())
                    .setPurpose(TrafficPurpose.EVALUATION)
                    .setCreatedAt(Instant.now())
                    .build();
                producer.send(new ProducerRecord<>(requestsTopic, requestId, request));
                requested.incrementAndGet();
            }
        }
        log.info("evaluation requested for {}@{} ({}): {} samples per sampler, {}", event.getRunId(), event.getStep(),
            event.getPhase(), plan.samples(), plan.samplersFor(event.getPhase()).stream().map(EvaluationDriver::label).toList());
    }

    static String label(SamplerSettings settings) {
        return settings.kind() == SamplerKind.ECT ? "ect" + settings.steps() : "heun" + settings.networkEvaluations();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
