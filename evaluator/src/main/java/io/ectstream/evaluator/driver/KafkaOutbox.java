package io.ectstream.evaluator.driver;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The driver's producer: evaluation requests and unevaluated-checkpoint reports, idempotent, acknowledged by all. */
final class KafkaOutbox implements DriverOutbox, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluationDriver.class);

    private final DriverConfig config;
    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<GenerationRequest> requests;
    private final Serializer<GenerationError> errors;

    KafkaOutbox(KafkaClientSettings settings, DriverConfig config) {
        this.config = config;
        this.requests = config.records().serde(GenerationRequest.class).serializer();
        this.errors = config.records().serde(GenerationError.class).serializer();
        this.producer = KafkaClients.producer(
                settings, Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"));
    }

    KafkaProducer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public Future<RecordMetadata> request(GenerationRequest request) {
        return producer.send(
                new ProducerRecord<>(
                        config.evaluationRequestsTopic(),
                        request.getRequestId(),
                        requests.serialize(config.evaluationRequestsTopic(), request)),
                (metadata, e) -> {
                    if (e != null) {
                        log.error("evaluation request {} could not be sent: {}", request.getRequestId(), e.toString());
                    }
                });
    }

    @Override
    public void unevaluated(CheckpointEvent event, ErrorCode code, String reason, Instant at) {
        GenerationError error = UnevaluatedCheckpoint.toError(event, code, reason, config.checkpointsTopic(), at);
        producer.send(
                new ProducerRecord<>(
                        config.errorsTopic(), error.getRequestId(), errors.serialize(config.errorsTopic(), error)),
                (metadata, e) -> {
                    if (e != null) {
                        log.error(
                                "could not report the unevaluated checkpoint {}: {}",
                                error.getRequestId(),
                                e.toString());
                    }
                });
    }

    /** Waits until everything sent so far is written (before the errors that name it can be read, before commits). */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
