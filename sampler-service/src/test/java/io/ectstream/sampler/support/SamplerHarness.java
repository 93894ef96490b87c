package io.ectstream.sampler.support;

import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.Admission;
import io.ectstream.sampler.Batching;
import io.ectstream.sampler.HttpEndpoint;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerKafka;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.serde.AvroCodec;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Per-test topics (prefixed, so tests sharing a broker never see each other), a store, and a producer. */
public final class SamplerHarness implements AutoCloseable {
    public static final AvroCodec<GenerationRequest> REQUESTS = new AvroCodec<>(GenerationRequest.class);
    public static final AvroCodec<GenerationResult> RESULTS = new AvroCodec<>(GenerationResult.class);
    public static final AvroCodec<GenerationError> ERRORS = new AvroCodec<>(GenerationError.class);
    public static final AvroCodec<CheckpointEvent> CHECKPOINTS = new AvroCodec<>(CheckpointEvent.class);

    private final KafkaCluster kafka;
    private final Topics topics;
    private final String evaluationRequests;
    private final Path store;
    private final KafkaProducer<String, byte[]> producer;

    public SamplerHarness(KafkaCluster kafka, String prefix, Path store, int partitions) {
        this.kafka = kafka;
        this.store = store;
        Topics d = Topics.defaults();
        this.topics = Topics.defaults()
                .with(TopicRole.CHECKPOINTS, prefix + "." + d.checkpoints())
                .with(TopicRole.PROGRESS, prefix + "." + d.progress())
                .with(TopicRole.REQUESTS, prefix + "." + d.requests())
                .with(TopicRole.RESULTS, prefix + "." + d.results())
                .with(TopicRole.ERRORS, prefix + "." + d.errors())
                .with(TopicRole.FID, prefix + "." + d.fid());
        this.evaluationRequests = prefix + "." + Topics.DEFAULT_EVALUATION_REQUESTS;
        kafka.createTopics(partitions, topics.requests(), topics.results(), evaluationRequests);
        kafka.createTopics(1, topics.checkpoints(), topics.errors());
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    public Topics topics() {
        return topics;
    }

    public Path store() {
        return store;
    }

    public SamplerConfig config(String groupId, int maxBatch, long maxWaitMs) {
        SamplerConfig config = config(kafka.bootstrapServers(), topics, store, groupId, maxBatch, maxWaitMs);
        return config.withKafka(config.kafka().withEvaluationRequestsTopic(evaluationRequests));
    }

    /**
     * What the Kafka tests run with: batches of {@code maxBatch}, one generator, 64 images per request, no HTTP, and
     * no deadline or queue bound ({@link ServingLimits#NONE}).
     */
    public static SamplerConfig config(
            String bootstrapServers, Topics topics, Path store, String groupId, int maxBatch, long maxWaitMs) {
        return new SamplerConfig(
                SamplerKafka.defaults(KafkaClientSettings.of(bootstrapServers))
                        .withGroupId(groupId)
                        .withTopics(topics),
                store,
                Batching.defaults().withSize(maxBatch, maxWaitMs),
                Admission.defaults().withMaxImagesPerRequest(64),
                HttpEndpoint.disabled(),
                ServingLimits.NONE);
    }

    /** The evaluation requests topic of this harness. */
    public String evaluationRequests() {
        return evaluationRequests;
    }

    /** Sends to the evaluation requests topic, as the evaluation driver does. */
    public RecordMetadata sendEvaluationRequest(GenerationRequest request) {
        return send(evaluationRequests, request.getRequestId(), REQUESTS.encode(request));
    }

    public RecordMetadata sendCheckpoint(CheckpointEvent event) {
        return send(topics.checkpoints(), event.getRunId(), CHECKPOINTS.encode(event));
    }

    public RecordMetadata sendRequest(GenerationRequest request) {
        return send(topics.requests(), request.getRequestId(), REQUESTS.encode(request));
    }

    /** Sends a user request whose record carries this timestamp (where its deadline starts). */
    public RecordMetadata sendRequest(GenerationRequest request, long timestampMillis) {
        return send(new ProducerRecord<>(
                topics.requests(), null, timestampMillis, request.getRequestId(), REQUESTS.encode(request)));
    }

    /** Sends to the evaluation requests topic, as the evaluation driver does, with this record timestamp. */
    public RecordMetadata sendEvaluationRequest(GenerationRequest request, long timestampMillis) {
        return send(new ProducerRecord<>(
                evaluationRequests, null, timestampMillis, request.getRequestId(), REQUESTS.encode(request)));
    }

    public RecordMetadata send(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    private RecordMetadata send(ProducerRecord<String, byte[]> record) {
        String topic = record.topic();
        try {
            return producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    public TopicReader<GenerationResult> results() {
        return results(topics.results());
    }

    public TopicReader<GenerationResult> results(String topic) {
        return new TopicReader<>(kafka.bootstrapServers(), topic, RESULTS::decode);
    }

    public TopicReader<GenerationError> errors() {
        return new TopicReader<>(kafka.bootstrapServers(), topics.errors(), ERRORS::decode);
    }

    @Override
    public void close() {
        producer.close();
    }
}
