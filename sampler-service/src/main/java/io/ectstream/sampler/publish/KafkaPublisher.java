package io.ectstream.sampler.publish;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.json.RecordJson;
import io.ectstream.schemas.serde.RecordFormat;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes results and errors to Kafka with acks=all and idempotence; a returned future completes only
 * once the broker acknowledged the record, which is what the intake waits for before committing.
 */
public final class KafkaPublisher {
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaClientMetrics producerMeters;
    private final String errorsTopic;
    private final String resultsJsonTopic;
    private final Serializer<GenerationResult> results;
    private final Serializer<GenerationError> errors;

    /**
     * @param settings what the producer starts from (bootstrap servers, security)
     * @param records the wire format of the results and errors
     */
    public KafkaPublisher(
            Vertx vertx,
            KafkaClientSettings settings,
            String errorsTopic,
            String resultsJsonTopic,
            SamplerMetrics metrics,
            RecordFormat records) {
        this.results = records.serde(GenerationResult.class).serializer();
        this.errors = records.serde(GenerationError.class).serializer();
        this.errorsTopic = errorsTopic;
        this.resultsJsonTopic = resultsJsonTopic;
        // a Vert.x producer: the platform's factory gives the properties, Vert.x builds the client
        Map<String, String> props = new HashMap<>();
        KafkaClients.merged(
                        settings.withDefaults(Map.of(
                                ProducerConfig.LINGER_MS_CONFIG, "1",
                                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(32 << 20),
                                ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000",
                                ProducerConfig.CLIENT_ID_CONFIG, "ect-sampler-publisher")),
                        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"))
                .forEach((k, v) -> props.put(k, String.valueOf(v)));
        this.producer = KafkaProducer.create(vertx, props, new StringSerializer(), new ByteArraySerializer());
        this.producerMeters = metrics.bind(producer.unwrap());
    }

    /** Completes when the Avro record (and its JSON copy, when configured) were acknowledged. */
    public Future<Void> result(String topic, GenerationResult result) {
        Future<Void> avro = producer.send(
                        KafkaProducerRecord.create(topic, result.getRequestId(), results.serialize(topic, result)))
                .mapEmpty();
        if (resultsJsonTopic == null) {
            return avro;
        }
        Future<Void> json = producer.send(
                        KafkaProducerRecord.create(resultsJsonTopic, result.getRequestId(), RecordJson.encode(result)))
                .mapEmpty();
        return Future.all(avro, json).mapEmpty();
    }

    public Future<Void> error(GenerationError error) {
        return producer.send(KafkaProducerRecord.create(
                        errorsTopic, error.getRequestId(), errors.serialize(errorsTopic, error)))
                .mapEmpty();
    }

    public Future<Void> close() {
        producerMeters.close();
        return producer.close(5000);
    }
}
