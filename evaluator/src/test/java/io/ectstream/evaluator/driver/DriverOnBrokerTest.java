package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.history.FidHistoryReader;
import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindow;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver alone on the real broker, with the sampler's answers written by the test: a backlog evaluates
 * only the newest checkpoint, a request for a checkpoint not loaded yet is re-sent, one for a superseded
 * checkpoint is not, a restart repeats nothing; forged and replayed errors make it re-send nothing (issue 16,
 * finding 3); a rejected checkpoint ends its evaluation without a re-send storm (finding 10).
 */
@BrokerTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DriverOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EvaluationPlan PLAN = new EvaluationPlan(8, 4, 7, 0.821, false);
    private static final AvroCodec<CheckpointEvent> EVENTS = new AvroCodec<>(CheckpointEvent.class);
    private static final AvroCodec<GenerationError> ERRORS = new AvroCodec<>(GenerationError.class);
    private static final AvroCodec<GenerationRequest> REQUESTS = new AvroCodec<>(GenerationRequest.class);
    private static final AvroCodec<FidReport> FIDS = new AvroCodec<>(FidReport.class);

    /** The topics of one test: {@code <prefix>.checkpoints}, {@code .eval-requests}, {@code .requests} (users'), {@code .errors}. */
    private record Topics(String checkpoints, String evalRequests, String userRequests, String errors) {
        static Topics create(KafkaCluster kafka, String prefix) {
            Topics t = new Topics(
                    prefix + ".checkpoints", prefix + ".eval-requests", prefix + ".requests", prefix + ".errors");
            kafka.createTopics(1, t.checkpoints, t.evalRequests, t.userRequests, t.errors);
            return t;
        }

        DriverConfig config(String group, Duration retryDelay, Duration retryWindow) {
            return new DriverConfig(group, checkpoints, evalRequests, errors, retryDelay, retryWindow);
        }
    }

    @Test
    void newestOfABacklogFirstRetryWhileNotLoadedEndWithReasonWhenSupersededNoRepeatAfterRestart(KafkaCluster kafka)
            throws Exception {
        Topics t = Topics.create(kafka, "drv1");
        DriverConfig config = t.config("drv1", Duration.ofMillis(100), Duration.ofSeconds(20));
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
                RequestLog sent = new RequestLog(kafka.bootstrapServers(), t.evalRequests)) {
            publish(producer, t, DriverEvents.event("a", 1, Phase.ECT));
            publish(producer, t, DriverEvents.event("a", 2, Phase.ECT));

            try (EvaluationDriver driver = new EvaluationDriver(clients(kafka), config, PLAN).start()) {
                List<ConsumerRecord<String, GenerationRequest>> first = sent.await(8);
                assertEquals(
                        List.of(2L, 2L, 2L, 2L, 1L, 1L, 1L, 1L),
                        first.stream().map(r -> r.value().getModel().getStep()).toList(),
                        "the newest of the backlog first, then the superseded one");
                assertTrue(
                        first.get(0).value().getRequestId().startsWith("eval:a@2:ect1:0:"),
                        first.get(0).value().getRequestId());
                assertEquals(0, driver.skippedCheckpoints());
                assertEquals(2, driver.evaluatedCheckpoints());

                // The sampler had not loaded a@2 yet: the request is sent again, same id, same seed.
                answer(producer, t, first.get(0), ErrorCode.UNKNOWN_MODEL);
                List<ConsumerRecord<String, GenerationRequest>> afterRetry = sent.await(9);
                assertEquals(
                        first.get(0).value().getRequestId(),
                        afterRetry.get(8).value().getRequestId());
                assertEquals(7L, afterRetry.get(8).value().getSeed());
                Await.until(() -> driver.retried() == 1, WAIT, "driver.retried() == 1");

                // The sampler no longer keeps a@1: its evaluation ends at once, with the reason on the errors topic.
                answer(producer, t, first.get(4), ErrorCode.MODEL_NOT_KEPT);
                Await.until(() -> driver.endedEvaluations() == 1, WAIT, "driver.endedEvaluations() == 1");
                assertEquals(4, driver.abandonedRequests(), "every request of a@1 is given up");

                // a@3 supersedes a@2, and the sampler then lets a@2 go: not retried either.
                publish(producer, t, DriverEvents.event("a", 3, Phase.ECT));
                assertEquals(13, sent.await(13).size());
                answer(producer, t, first.get(1), ErrorCode.MODEL_NOT_KEPT);
                Await.until(() -> driver.endedEvaluations() == 2, WAIT, "driver.endedEvaluations() == 2");
                assertEquals(13, sent.drainToEnd().size(), "no re-send for a superseded checkpoint");
                assertEquals(1, driver.retried());
                assertEquals(3, driver.evaluatedCheckpoints());

                List<UnevaluatedCheckpoint> reported = awaitUnevaluated(kafka, t, "a", 2);
                assertEquals(
                        List.of(1L, 2L),
                        reported.stream().map(UnevaluatedCheckpoint::step).toList());
                assertTrue(
                        reported.get(0).reason().startsWith("superseded, and the sampler no longer keeps it"),
                        reported.get(0).reason());
                assertEquals(Phase.ECT, reported.get(0).phase());
                assertEquals(100L, reported.get(0).imagesSeen());
            }
            try (EvaluationDriver restarted = new EvaluationDriver(clients(kafka), config, PLAN).start()) {
                publish(producer, t, DriverEvents.event("a", 4, Phase.ECT));
                List<ConsumerRecord<String, GenerationRequest>> all = sent.await(17);
                assertTrue(
                        all.subList(13, 17).stream()
                                .allMatch(r -> r.value().getModel().getStep() == 4L),
                        "the committed checkpoints are not requested again: " + all.subList(13, 17));
                assertEquals(1, restarted.evaluatedCheckpoints());
            }
        }
    }

    /**
     * A driver that sent a checkpoint's requests and died before committing the checkpoint: its successor reads the
     * checkpoint again and asks under the same request ids, so the evaluator counts those samples once. The ids
     * come from the group's key, kept with its committed offsets; another group's ids differ.
     */
    @Test
    void aRestartBeforeTheCommitAsksAgainUnderTheSameIds(KafkaCluster kafka) throws Exception {
        Topics t = Topics.create(kafka, "drv6");
        DriverConfig config = t.config("drv6", Duration.ofSeconds(5), Duration.ofSeconds(20));
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
                RequestLog sent = new RequestLog(kafka.bootstrapServers(), t.evalRequests);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            publish(producer, t, DriverEvents.event("k", 1, Phase.ECT));
            List<String> firstIds;
            try (EvaluationDriver driver = new EvaluationDriver(clients(kafka), config, PLAN).start()) {
                firstIds = sent.await(4).stream()
                        .map(r -> r.value().getRequestId())
                        .toList();
                Await.until(
                        () -> committedOffset(admin, "drv6", t) == 1L,
                        WAIT,
                        "committedOffset(admin, \"drv6\", t) == 1L");
            }
            // The crash: the group's position back before the checkpoint, as it was while the requests were sent.
            TopicPartition tp = new TopicPartition(t.checkpoints, 0);
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets("drv6")
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(tp);
            admin.alterConsumerGroupOffsets("drv6", Map.of(tp, new OffsetAndMetadata(0, committed.metadata())))
                    .all()
                    .get();
            try (EvaluationDriver successor = new EvaluationDriver(clients(kafka), config, PLAN).start()) {
                List<String> again = sent.await(8).subList(4, 8).stream()
                        .map(r -> r.value().getRequestId())
                        .toList();
                assertEquals(firstIds, again, "the same checkpoint, asked again under the same ids");
            }
            try (EvaluationDriver other = new EvaluationDriver(
                            clients(kafka), t.config("drv6-other", Duration.ofSeconds(5), Duration.ofSeconds(20)), PLAN)
                    .start()) {
                List<String> otherIds = sent.await(12).subList(8, 12).stream()
                        .map(r -> r.value().getRequestId())
                        .toList();
                for (int i = 0; i < 4; i++) {
                    assertNotEquals(firstIds.get(i), otherIds.get(i), "another group's key gives other ids");
                    assertEquals(
                            firstIds.get(i).substring(0, firstIds.get(i).lastIndexOf(':')),
                            otherIds.get(i).substring(0, otherIds.get(i).lastIndexOf(':')),
                            "only the nonce differs");
                }
            }
        }
    }

    private static long committedOffset(Admin admin, String group, Topics t) {
        try {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(new TopicPartition(t.checkpoints, 0));
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Backfill of a finished run with three checkpoints, one of which has its evaluation FIDs (and another only
     * a FID on user traffic, which does not count): exactly the other two are requested, and the driver stops
     * once the requests it waits on are past the retry window.
     */
    @Test
    void backfillRequestsExactlyTheCheckpointsWithoutAnEvaluationFid(KafkaCluster kafka) throws Exception {
        Topics t = Topics.create(kafka, "drv5");
        String fidTopic = "drv5.fid";
        kafka.createTopics(1, fidTopic);
        DriverConfig config = t.config("drv5", Duration.ofMillis(100), Duration.ofMillis(500));
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
                RequestLog sent = new RequestLog(kafka.bootstrapServers(), t.evalRequests)) {
            for (long step : new long[] {10, 20, 30}) {
                publish(producer, t, DriverEvents.event("done", step, Phase.ECT));
            }
            publish(producer, t, DriverEvents.event("other", 5, Phase.ECT));
            for (int steps : new int[] {1, 2}) {
                publishFid(producer, fidTopic, "done", 20, steps, TrafficPurpose.EVALUATION);
            }
            publishFid(producer, fidTopic, "done", 30, 1, TrafficPurpose.USER);

            Backfill missing = Backfill.read(clients(kafka), fidTopic, "done", WAIT);
            try (EvaluationDriver driver = new EvaluationDriver(clients(kafka), config, PLAN, missing).start()) {
                driver.finished().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(2, driver.evaluatedCheckpoints());
            }
            List<ConsumerRecord<String, GenerationRequest>> all = sent.drainToEnd();
            assertEquals(8, all.size(), "two checkpoints, two samplers, two requests each: " + all);
            assertEquals(
                    Set.of(10L, 30L),
                    all.stream().map(r -> r.value().getModel().getStep()).collect(Collectors.toSet()));
            assertTrue(
                    all.stream().allMatch(r -> r.value().getModel().getRunId().equals("done")));
        }
    }

    @Test
    void forgedOrReplayedErrorsMakeItResendNothing(KafkaCluster kafka) throws Exception {
        Topics t = Topics.create(kafka, "drv2");
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
                RequestLog sent = new RequestLog(kafka.bootstrapServers(), t.evalRequests);
                EvaluationDriver driver = new EvaluationDriver(
                                clients(kafka), t.config("drv2", Duration.ofMillis(100), Duration.ofSeconds(20)), PLAN)
                        .start()) {
            publish(producer, t, DriverEvents.event("tiny", 10, Phase.ECT));
            List<ConsumerRecord<String, GenerationRequest>> requests = sent.await(4);
            ConsumerRecord<String, GenerationRequest> real = requests.get(0);
            String realId = real.value().getRequestId();

            // Finding 3: three requests with the old, guessable id sent to the users' topic, each answered.
            for (int i = 0; i < 3; i++) {
                RecordMetadata copy = producer.send(new ProducerRecord<>(
                                t.userRequests,
                                "eval:tiny@10:ect1:0",
                                REQUESTS.encode(withId(real.value(), "eval:tiny@10:ect1:0"))))
                        .get();
                sendError(
                        producer,
                        t,
                        error(
                                "eval:tiny@10:ect1:0",
                                ErrorCode.UNKNOWN_MODEL,
                                copy.topic(),
                                copy.partition(),
                                copy.offset()));
            }
            // Forged errors with the driver's id shape and a guessed nonce, naming its real record.
            sendError(
                    producer,
                    t,
                    error(
                            "eval:tiny@10:ect1:0:" + EvaluationRequests.newNonce(),
                            ErrorCode.UNKNOWN_MODEL,
                            real.topic(),
                            real.partition(),
                            real.offset()));
            sendError(
                    producer,
                    t,
                    error(
                            "eval:tiny@10:ect1:0:" + EvaluationRequests.newNonce(),
                            ErrorCode.INTERNAL,
                            real.topic(),
                            real.partition(),
                            real.offset()));
            // The real id (results are readable by users) on a copy sent to the users' topic, and on another record.
            RecordMetadata copy = producer.send(
                            new ProducerRecord<>(t.userRequests, realId, REQUESTS.encode(real.value())))
                    .get();
            sendError(
                    producer, t, error(realId, ErrorCode.UNKNOWN_MODEL, copy.topic(), copy.partition(), copy.offset()));
            sendError(
                    producer,
                    t,
                    error(
                            realId,
                            ErrorCode.UNKNOWN_MODEL,
                            real.topic(),
                            real.partition(),
                            requests.get(3).offset()));
            Await.until(() -> driver.errorsRead() == 7, WAIT, "driver.errorsRead() == 7");
            assertEquals(0, driver.retried());
            assertEquals(0, driver.abandonedRequests());

            // The sampler's real rejection, delivered twice: one re-send.
            answer(producer, t, real, ErrorCode.UNKNOWN_MODEL);
            answer(producer, t, real, ErrorCode.UNKNOWN_MODEL);
            Await.until(
                    () -> driver.errorsRead() == 9 && driver.retried() == 1,
                    WAIT,
                    "driver.errorsRead() == 9 && driver.retried() == 1");
            List<ConsumerRecord<String, GenerationRequest>> all = sent.drainToEnd();
            assertEquals(5, all.size(), "the four requests and one re-send");
            assertEquals(realId, all.get(4).value().getRequestId());
            assertEquals(5, driver.requested());
        }
    }

    @Test
    void aRejectedCheckpointEndsItsEvaluationWithoutResending(KafkaCluster kafka) throws Exception {
        Topics t = Topics.create(kafka, "drv3");
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
                RequestLog sent = new RequestLog(kafka.bootstrapServers(), t.evalRequests);
                EvaluationDriver driver = new EvaluationDriver(
                                clients(kafka), t.config("drv3", Duration.ofMillis(100), Duration.ofSeconds(20)), PLAN)
                        .start()) {
            CheckpointEvent bad = DriverEvents.event("r", 5, Phase.ECT);
            RecordMetadata event = publish(producer, t, bad);
            List<ConsumerRecord<String, GenerationRequest>> requests = sent.await(4);
            // The sampler reports the checkpoint it could not load, then answers every request UNKNOWN_MODEL.
            sendError(
                    producer,
                    t,
                    GenerationError.newBuilder(error(
                                    null,
                                    ErrorCode.CHECKPOINT_REJECTED,
                                    event.topic(),
                                    event.partition(),
                                    event.offset()))
                            .setReason("checkpoint r@5 rejected: sha256 mismatch")
                            .setOriginalBytes(ByteBuffer.wrap(EVENTS.encode(bad)))
                            .build());
            for (ConsumerRecord<String, GenerationRequest> r : requests) {
                answer(producer, t, r, ErrorCode.UNKNOWN_MODEL);
            }
            Await.until(() -> driver.errorsRead() == 5, WAIT, "driver.errorsRead() == 5");
            assertEquals(1, driver.endedEvaluations());
            assertEquals(4, driver.abandonedRequests());
            assertEquals(0, driver.retried());
            assertEquals(4, sent.drainToEnd().size(), "no request re-sent for a rejected checkpoint");

            // The run's next checkpoint is evaluated as usual.
            publish(producer, t, DriverEvents.event("r", 6, Phase.ECT));
            assertEquals(8, sent.await(8).size(), "the next checkpoint of the run is evaluated");

            // A rejection read before its checkpoint event (the driver lagging behind the sampler): no requests at all.
            CheckpointEvent worse = DriverEvents.event("r", 7, Phase.ECT);
            sendError(
                    producer,
                    t,
                    GenerationError.newBuilder(error(null, ErrorCode.CHECKPOINT_REJECTED, t.checkpoints, 0, 99))
                            .setReason("checkpoint r@7 rejected: file missing")
                            .setOriginalBytes(ByteBuffer.wrap(EVENTS.encode(worse)))
                            .build());
            Await.until(() -> driver.errorsRead() == 6, WAIT, "driver.errorsRead() == 6");
            publish(producer, t, worse);
            Await.until(() -> driver.endedEvaluations() == 2, WAIT, "driver.endedEvaluations() == 2");
            publish(producer, t, DriverEvents.event("r", 8, Phase.ECT));
            List<ConsumerRecord<String, GenerationRequest>> all = sent.await(12);
            assertTrue(
                    all.subList(8, 12).stream()
                            .allMatch(r -> r.value().getModel().getStep() == 8L),
                    all.toString());
            assertEquals(3, driver.evaluatedCheckpoints());
        }
    }

    @Test
    void aCheckpointNeverServedIsRetriedWithBackoffAndThenEnded(KafkaCluster kafka) throws Exception {
        Topics t = Topics.create(kafka, "drv4");
        Duration delay = Duration.ofMillis(100);
        Duration window = Duration.ofSeconds(2);
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
                RequestLog sent = new RequestLog(kafka.bootstrapServers(), t.evalRequests);
                EvaluationDriver driver =
                        new EvaluationDriver(clients(kafka), t.config("drv4", delay, window), PLAN).start()) {
            publish(producer, t, DriverEvents.event("r", 5, Phase.ECT));
            // The sampler missed nothing but the driver never saw its CHECKPOINT_REJECTED: every copy gets
            // UNKNOWN_MODEL.
            int answered = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (driver.endedEvaluations() == 0) {
                assertTrue(System.nanoTime() < deadline, "the evaluation never ended");
                List<ConsumerRecord<String, GenerationRequest>> all = sent.poll();
                for (; answered < all.size(); answered++) {
                    answer(producer, t, all.get(answered), ErrorCode.UNKNOWN_MODEL);
                }
            }
            int total = sent.drainToEnd().size();
            // Delays 100, 200, 400, 800 ms fit in 2 s after the first send, 1600 more do not: at most 5 sends a
            // request.
            assertTrue(total >= 4 && total <= 4 * 5, total + " requests sent; 0.1 s apart for 2 s it would be ~80");
            assertEquals(1, driver.endedEvaluations());
            assertEquals(total, driver.requested());
        }
    }

    private static List<UnevaluatedCheckpoint> awaitUnevaluated(KafkaCluster kafka, Topics t, String run, int n)
            throws InterruptedException {
        List<List<UnevaluatedCheckpoint>> found = new ArrayList<>(List.of(List.of()));
        Await.until(
                () -> {
                    found.set(0, FidHistoryReader.unevaluated(clients(kafka), t.errors, run, WAIT));
                    return found.get(0).size() >= n;
                },
                WAIT,
                n + " unevaluated-checkpoint reports of run " + run);
        assertEquals(n, found.get(0).size(), found.get(0).toString());
        return found.get(0);
    }

    private static void publishFid(
            KafkaProducer<String, byte[]> producer,
            String topic,
            String run,
            long step,
            int steps,
            TrafficPurpose purpose)
            throws Exception {
        FidReport report = FidReport.newBuilder()
                .setModelVersion(ModelVersion.newBuilder()
                        .setRunId(run)
                        .setStep(step)
                        .setPhase(Phase.ECT)
                        .setSha256("ab".repeat(32))
                        .build())
                .setSampler(SamplerKind.ECT)
                .setNetworkEvaluations(steps)
                .setPurpose(purpose)
                .setNumSamples(8)
                .setFid(12.5)
                .setFeatureExtractorId("f")
                .setReferenceStatsId("r")
                .setWindow(FidWindow.newBuilder()
                        .setKind(FidWindowKind.ALL)
                        .setSize(8)
                        .build())
                .setImagesSeen(step * 100)
                .setCreatedAt(Instant.EPOCH)
                .build();
        producer.send(new ProducerRecord<>(topic, run, FIDS.encode(report))).get();
    }

    private static KafkaClientSettings clients(KafkaCluster kafka) {
        return KafkaClientSettings.of(kafka.bootstrapServers());
    }

    private static KafkaProducer<String, byte[]> producer(KafkaCluster kafka) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static RecordMetadata publish(KafkaProducer<String, byte[]> producer, Topics t, CheckpointEvent event)
            throws Exception {
        return producer.send(new ProducerRecord<>(t.checkpoints, event.getRunId(), EVENTS.encode(event)))
                .get();
    }

    /** What the sampler writes when it rejects the request record {@code r}. */
    private static void answer(
            KafkaProducer<String, byte[]> producer,
            Topics t,
            ConsumerRecord<String, GenerationRequest> r,
            ErrorCode code)
            throws Exception {
        sendError(producer, t, error(r.value().getRequestId(), code, r.topic(), r.partition(), r.offset()));
    }

    private static void sendError(KafkaProducer<String, byte[]> producer, Topics t, GenerationError error)
            throws Exception {
        producer.send(new ProducerRecord<>(t.errors, error.getRequestId(), ERRORS.encode(error)))
                .get();
    }

    private static GenerationError error(String requestId, ErrorCode code, String topic, int partition, long offset) {
        return GenerationError.newBuilder()
                .setRequestId(requestId)
                .setCode(code)
                .setReason("test: not served")
                .setComponent("sampler-service")
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setOccurredAt(Instant.now())
                .build();
    }

    private static GenerationRequest withId(GenerationRequest request, String id) {
        return GenerationRequest.newBuilder(request).setRequestId(id).build();
    }

    /** Everything written to the evaluation requests topic, in order, with where it was written. */
    private static final class RequestLog implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final TopicPartition tp;
        private final List<ConsumerRecord<String, GenerationRequest>> requests = new ArrayList<>();

        RequestLog(String bootstrap, String topic) {
            consumer = new KafkaConsumer<>(
                    Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringDeserializer(),
                    new ByteArrayDeserializer());
            tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
        }

        List<ConsumerRecord<String, GenerationRequest>> await(int n) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (requests.size() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + requests.size() + " requests, expected " + n);
                }
                poll();
            }
            return List.copyOf(requests);
        }

        /** Every request written up to now: read up to the partition's end offset. */
        List<ConsumerRecord<String, GenerationRequest>> drainToEnd() {
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                poll();
            }
            return List.copyOf(requests);
        }

        List<ConsumerRecord<String, GenerationRequest>> poll() {
            consumer.poll(Duration.ofMillis(100))
                    .forEach(r -> requests.add(new ConsumerRecord<>(
                            r.topic(), r.partition(), r.offset(), r.key(), REQUESTS.decode(r.value()))));
            return List.copyOf(requests);
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
