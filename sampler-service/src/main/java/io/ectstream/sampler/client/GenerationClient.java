package io.ectstream.sampler.client;

import io.ectstream.platform.kafka.EndOffsetReader;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A blocking Kafka client of the sampler: sends GenerationRequests and collects their results (all
 * chunks) or errors. It starts reading the result and error topics at their ends before sending, so it
 * sees only answers to its own requests (matched by request id).
 */
public final class GenerationClient implements AutoCloseable {
    /** The longest {@link #newestRun} waits for the broker and reads the checkpoints topic. */
    private static final Duration NEWEST_RUN_TIMEOUT = Duration.ofSeconds(30);

    private final Topics topics;
    private final String resultTopic;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Serializer<GenerationRequest> requests;
    private final Deserializer<GenerationResult> results;
    private final Deserializer<GenerationError> errors;
    private final Map<String, List<GenerationResult>> received = new HashMap<>();
    private final Map<String, GenerationError> failed = new HashMap<>();

    /** What came back for one request: every chunk, or the error. */
    public record Answer(String requestId, List<GenerationResult> chunks, GenerationError error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** @param resultTopic the topic the requests name as reply topic (null: the sampler's default results topic) */
    public GenerationClient(String bootstrapServers, Topics topics, String resultTopic) {
        this(KafkaClientSettings.of(bootstrapServers), topics, resultTopic);
    }

    /** @param settings what both clients start from (bootstrap servers, security) */
    public GenerationClient(KafkaClientSettings settings, Topics topics, String resultTopic) {
        this(settings, topics, resultTopic, RecordFormat.SINGLE_OBJECT);
    }

    /** @param records the deployment's wire format of requests, results and errors */
    public GenerationClient(KafkaClientSettings settings, Topics topics, String resultTopic, RecordFormat records) {
        this.requests = records.serde(GenerationRequest.class).serializer();
        this.results = records.serde(GenerationResult.class).deserializer();
        this.errors = records.serde(GenerationError.class).deserializer();
        this.topics = topics;
        this.resultTopic = resultTopic == null ? topics.results() : resultTopic;
        producer = KafkaClients.producer(
                settings.withDefaults(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0")),
                Map.of(ProducerConfig.ACKS_CONFIG, "all"));
        consumer = KafkaClients.consumer(
                settings.without(ConsumerConfig.GROUP_ID_CONFIG)
                        .withDefaults(Map.of(
                                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                                String.valueOf(32 << 20),
                                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                                "100")),
                Map.of());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : Set.of(this.resultTopic, topics.errors())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(15))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Sends a request (its reply topic set to this client's result topic when that is not the default). */
    public void send(GenerationRequest request) {
        if (!resultTopic.equals(topics.results())) {
            request.setReplyTopic(resultTopic);
        }
        try {
            producer.send(new ProducerRecord<>(
                            topics.requests(), request.getRequestId(), requests.serialize(topics.requests(), request)))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + request.getRequestId(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "sending " + request.getRequestId() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Sends without waiting for the broker's acknowledgement (for load generation). */
    public void sendAsync(GenerationRequest request) {
        producer.send(new ProducerRecord<>(
                topics.requests(), request.getRequestId(), requests.serialize(topics.requests(), request)));
    }

    /** Waits for the answer to a request sent earlier; {@link NoAnswerException} when none came in time. */
    public Answer await(String requestId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Answer> answer = answer(requestId);
            if (answer.isPresent()) {
                return answer.get();
            }
            if (System.nanoTime() > deadline) {
                throw new NoAnswerException(
                        "no answer to request " + requestId + " within " + timeout.toSeconds() + " s");
            }
            poll(Duration.ofMillis(100));
        }
    }

    /** The answer to a request if it is complete (polls nothing). */
    public Optional<Answer> answer(String requestId) {
        GenerationError error = failed.get(requestId);
        if (error != null) {
            return Optional.of(new Answer(requestId, List.of(), error));
        }
        List<GenerationResult> chunks = received.get(requestId);
        if (chunks != null
                && chunks.stream()
                                .map(GenerationResult::getChunkIndex)
                                .distinct()
                                .count()
                        == chunks.get(0).getChunkCount()) {
            return Optional.of(new Answer(requestId, chunks, null));
        }
        return Optional.empty();
    }

    /** Reads whatever answers arrived within the timeout; returns the ids of requests now complete. */
    public List<String> poll(Duration timeout) {
        List<String> touched = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            try {
                if (record.topic().equals(topics.errors())) {
                    GenerationError error = errors.deserialize(record.topic(), record.value());
                    if (error.getRequestId() != null) {
                        failed.put(error.getRequestId(), error);
                        touched.add(error.getRequestId());
                    }
                } else {
                    GenerationResult result = results.deserialize(record.topic(), record.value());
                    received.computeIfAbsent(result.getRequestId(), id -> new ArrayList<>())
                            .add(result);
                    touched.add(result.getRequestId());
                }
            } catch (RecordDecodingException e) {
                // Someone else's bytes on a shared topic: not an answer to us.
            }
        }
        return touched.stream().distinct().filter(id -> answer(id).isPresent()).toList();
    }

    /** The run of the most recently created checkpoint on the checkpoints topic, if any. */
    public static Optional<String> newestRun(String bootstrapServers, String checkpointsTopic) {
        return newestRun(KafkaClientSettings.of(bootstrapServers), checkpointsTopic);
    }

    /** {@link #newestRun(String, String)} with full client settings (security etc.). */
    public static Optional<String> newestRun(KafkaClientSettings settings, String checkpointsTopic) {
        return newestRun(settings, checkpointsTopic, RecordFormat.SINGLE_OBJECT);
    }

    /** {@link #newestRun(KafkaClientSettings, String)} reading events in {@code records}' wire format. */
    public static Optional<String> newestRun(
            KafkaClientSettings settings, String checkpointsTopic, RecordFormat records) {
        Deserializer<CheckpointEvent> codec =
                records.serde(CheckpointEvent.class).deserializer();
        CheckpointEvent[] newest = {null};
        try (KafkaConsumer<String, byte[]> c =
                KafkaClients.consumer(settings.without(ConsumerConfig.GROUP_ID_CONFIG), Map.of())) {
            EndOffsetReader.readToEnd(c, checkpointsTopic, NEWEST_RUN_TIMEOUT, r -> {
                try {
                    CheckpointEvent e = codec.deserialize(r.topic(), r.value());
                    if (newest[0] == null || !e.getCreatedAt().isBefore(newest[0].getCreatedAt())) {
                        newest[0] = e;
                    }
                } catch (RecordDecodingException ignored) {
                    // not a checkpoint event
                }
            });
            return Optional.ofNullable(newest[0]).map(CheckpointEvent::getRunId);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
