package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.serde.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The driver alone on the real broker, with the sampler's answers written by the test: a backlog evaluates
 * only the newest checkpoint, a request for a checkpoint not loaded yet is re-sent, one for a superseded
 * checkpoint is not, and a restart repeats nothing.
 */
@BrokerTest
class DriverOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EvaluationPlan PLAN = new EvaluationPlan(8, 4, 7, 0.821, false);
    private static final AvroCodec<CheckpointEvent> EVENTS = new AvroCodec<>(CheckpointEvent.class);
    private static final AvroCodec<GenerationError> ERRORS = new AvroCodec<>(GenerationError.class);
    private static final AvroCodec<GenerationRequest> REQUESTS = new AvroCodec<>(GenerationRequest.class);

    @Test
    void newestOfABacklogRetryWhileNotLoadedAbandonWhenSupersededNoRepeatAfterRestart(KafkaCluster kafka) throws Exception {
        String checkpoints = "drv.checkpoints";
        String requests = "drv.requests";
        String errors = "drv.errors";
        kafka.createTopics(1, checkpoints, requests, errors);
        Map<String, Object> clients = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        DriverConfig config = new DriverConfig("drv", checkpoints, requests, errors, Duration.ofMillis(100), Duration.ofSeconds(20));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                 kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
             RequestLog sent = new RequestLog(kafka.bootstrapServers(), requests)) {
            producer.send(new ProducerRecord<>(checkpoints, "a", EVENTS.encode(DriverEvents.event("a", 1, Phase.ECT)))).get();
            producer.send(new ProducerRecord<>(checkpoints, "a", EVENTS.encode(DriverEvents.event("a", 2, Phase.ECT)))).get();

            try (EvaluationDriver driver = new EvaluationDriver(clients, config, PLAN).start()) {
                List<GenerationRequest> first = sent.await(4);
                assertTrue(first.stream().allMatch(r -> r.getModel().getStep() == 2L), "only the newest of the backlog");
                assertEquals(1, driver.skippedCheckpoints());
                assertEquals(1, driver.evaluatedCheckpoints());

                // The sampler had not loaded a@2 yet: the request is sent again.
                producer.send(new ProducerRecord<>(errors, "x", ERRORS.encode(unknownModel("eval:a@2:ect1:0")))).get();
                List<GenerationRequest> afterRetry = sent.await(5);
                assertEquals("eval:a@2:ect1:0", afterRetry.get(4).getRequestId());
                assertEquals(7L, afterRetry.get(4).getSeed());
                await(() -> driver.retried() == 1);

                // a@3 supersedes a@2: a later rejection of a@2 is not retried.
                producer.send(new ProducerRecord<>(checkpoints, "a", EVENTS.encode(DriverEvents.event("a", 3, Phase.ECT)))).get();
                assertEquals(9, sent.await(9).size());
                producer.send(new ProducerRecord<>(errors, "x", ERRORS.encode(unknownModel("eval:a@2:ect1:1")))).get();
                await(() -> driver.abandonedRequests() == 1);
                Thread.sleep(500);
                assertEquals(9, sent.drain().size(), "no re-send for a superseded checkpoint");
                assertEquals(2, driver.evaluatedCheckpoints());
            }
            try (EvaluationDriver restarted = new EvaluationDriver(clients, config, PLAN).start()) {
                Thread.sleep(2000);
                assertEquals(9, sent.drain().size(), "the committed checkpoints are not requested again");
                assertEquals(0, restarted.evaluatedCheckpoints());
            }
        }
    }

    private static GenerationError unknownModel(String requestId) {
        return GenerationError.newBuilder().setRequestId(requestId).setCode(ErrorCode.UNKNOWN_MODEL)
            .setReason("test: not served").setComponent("sampler-service").setOccurredAt(Instant.now()).build();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    /** Everything written to the requests topic, in order. */
    private static final class RequestLog implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<GenerationRequest> requests = new ArrayList<>();

        RequestLog(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer());
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
        }

        List<GenerationRequest> await(int n) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (requests.size() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + requests.size() + " requests, expected " + n);
                }
                poll();
            }
            return List.copyOf(requests);
        }

        List<GenerationRequest> drain() {
            poll();
            poll();
            return List.copyOf(requests);
        }

        private void poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> requests.add(REQUESTS.decode(r.value())));
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
