package io.ectstream.sampler.intake;

import io.ectstream.sampler.RequestPipeline;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.batch.JobSink;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.UnknownModelException;
import io.ectstream.sampler.publish.ErrorRecords;
import io.ectstream.sampler.publish.KafkaPublisher;
import io.ectstream.sampler.validate.InvalidRequestException;
import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads GenerationRequests in a consumer group (instances share the partitions) and answers each
 * record exactly with results or a GenerationError. Runs on the service's event loop.
 * Delivery: at-least-once with manual commits. A record's offset becomes committable only after
 * the broker acknowledged every result chunk (or the error) written for it, and the committed
 * position never passes an unanswered record; a crash therefore redelivers, and may repeat, the
 * requests that were in flight, but never loses one.
 * <p>
 * User and evaluation requests are counted apart: the consumer pauses when maxInFlightRequests user
 * requests or maxInFlightEvaluationRequests evaluation requests are unanswered. Evaluation requests wait
 * behind user batches in the pipeline, so were they counted together a large evaluation would fill the
 * in-flight budget and keep later user requests from being read at all. (An unanswered evaluation request
 * still holds back its partition's commit point; a crash then redelivers the user requests answered after it.)
 */
public final class RequestIntake {
    private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);

    private final Vertx vertx;
    private final SamplerConfig config;
    private final RequestPipeline pipeline;
    private final KafkaPublisher publisher;
    private final SamplerMetrics metrics;
    private final AvroCodec<GenerationRequest> codec = new AvroCodec<>(GenerationRequest.class);
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private KafkaConsumer<String, byte[]> consumer;
    private int inFlight;
    private int evaluationInFlight;
    private boolean paused;
    private boolean committing;
    private boolean commitAgain;
    private boolean stopping;
    private boolean authorizationBackoff;
    static final long AUTHORIZATION_RETRY_MS = 10_000;
    private long commitTimer = -1;
    /** Answers are committed in groups at most this often: fewer commit round trips, same guarantee. */
    private static final long COMMIT_INTERVAL_MS = 50;

    public RequestIntake(Vertx vertx, SamplerConfig config, RequestPipeline pipeline, KafkaPublisher publisher, SamplerMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    public Future<Void> start() {
        if (stopping || consumer != null) {
            return Future.succeededFuture();
        }
        Map<String, String> props = new HashMap<>();
        config.kafkaClientProperties().forEach((k, v) -> props.put(k, String.valueOf(v)));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(Math.max(1, config.maxInFlightRequests())));
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ect-sampler-requests-" + config.groupId());
        consumer = KafkaConsumer.create(vertx, props, new StringDeserializer(), new ByteArrayDeserializer());
        paused = false;
        consumer.partitionsAssignedHandler(parts -> {
            parts.forEach(tp -> trackers.put(tp, new OffsetTracker()));
            log.info("request partitions assigned: {}", parts);
        });
        consumer.partitionsRevokedHandler(parts -> {
            parts.forEach(trackers::remove);
            log.info("request partitions revoked: {} (their unanswered requests will be redelivered)", parts);
        });
        consumer.exceptionHandler(this::onConsumerError);
        consumer.handler(this::onRecord);
        return consumer.subscribe(config.topics().generateRequests());
    }

    /**
     * An authorization error repeats on every poll: it is logged once with what the user lacks, the consumer
     * is closed (an unsubscribed Vert.x consumer would keep polling and fail in a tight loop) and a new one
     * subscribes after a pause; the service stays up (and its HTTP API keeps working).
     */
    private void onConsumerError(Throwable e) {
        if (authorizationBackoff) {
            return;
        }
        if (!(e instanceof AuthorizationException)) {
            log.warn("request consumer: {}", e.toString());
            return;
        }
        authorizationBackoff = true;
        log.error("Kafka refuses the request consumer ({}): its user needs DESCRIBE and READ on topic {} and READ on group {};"
            + " retrying in {} s", e.getMessage(), config.topics().generateRequests(), config.groupId(), AUTHORIZATION_RETRY_MS / 1000);
        KafkaConsumer<String, byte[]> refused = consumer;
        consumer = null;
        trackers.clear();
        refused.close().onComplete(x -> vertx.setTimer(AUTHORIZATION_RETRY_MS, id -> {
            authorizationBackoff = false;
            if (!stopping) {
                start();
            }
        }));
    }

    private void onRecord(KafkaConsumerRecord<String, byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        OffsetTracker tracker = trackers.computeIfAbsent(tp, p -> new OffsetTracker());
        long offset = record.offset();
        tracker.received(offset);
        ErrorRecords.Source source = new ErrorRecords.Source(record.topic(), record.partition(), offset, record.value());
        GenerationRequest request;
        try {
            request = codec.decode(record.value());
        } catch (RecordDecodingException e) {
            countIn(null);
            reject(null, null, ErrorCode.UNDECODABLE, e.getMessage(), source, tp, tracker, offset);
            return;
        }
        TrafficPurpose purpose = request.getPurpose();
        countIn(purpose);
        String requestId = request.getRequestId();
        try {
            pipeline.submit(request, record.timestamp(), new KafkaSink(tp, tracker, offset, source, record.timestamp(), purpose));
            metrics.request("accepted", purpose);
        } catch (InvalidRequestException e) {
            reject(requestId, purpose, e.code(), e.getMessage(), source, tp, tracker, offset);
        } catch (UnknownModelException e) {
            reject(requestId, purpose, ErrorCode.UNKNOWN_MODEL, e.getMessage(), source, tp, tracker, offset);
        } catch (RuntimeException e) {
            log.error("request {} at {}:{} failed unexpectedly", requestId, tp, offset, e);
            reject(requestId, purpose, ErrorCode.INTERNAL, e.toString(), source, tp, tracker, offset);
        }
    }

    private void countIn(TrafficPurpose purpose) {
        if (purpose == TrafficPurpose.EVALUATION) {
            evaluationInFlight++;
        } else {
            inFlight++;
        }
        if (!paused && (inFlight >= config.maxInFlightRequests()
            || evaluationInFlight >= config.maxInFlightEvaluationRequests())) {
            paused = true;
            consumer.pause();
        }
    }

    private void countOut(TrafficPurpose purpose) {
        if (purpose == TrafficPurpose.EVALUATION) {
            evaluationInFlight--;
        } else {
            inFlight--;
        }
        if (paused && !stopping && inFlight <= config.maxInFlightRequests() / 2
            && evaluationInFlight <= config.maxInFlightEvaluationRequests() / 2) {
            paused = false;
            if (consumer != null) {
                consumer.resume();
            }
        }
    }

    private void reject(String requestId, TrafficPurpose purpose, ErrorCode code, String reason, ErrorRecords.Source source,
                        TopicPartition tp, OffsetTracker tracker, long offset) {
        log.info("request {} at {}:{} rejected: {} {}", requestId, tp, offset, code, reason);
        metrics.request("rejected", purpose);
        metrics.error(code.name());
        publisher.error(ErrorRecords.of(requestId, code, reason, source))
            .onComplete(done -> answered(tp, tracker, offset, purpose, done.succeeded()));
    }

    private void answered(TopicPartition tp, OffsetTracker tracker, long offset, TrafficPurpose purpose, boolean durable) {
        countOut(purpose);
        if (!durable) {
            // Left pending on purpose: the commit point stays before it, so a restart redelivers it.
            log.error("answer to {}:{} was not acknowledged by the broker; it stays uncommitted", tp, offset);
            return;
        }
        tracker.answered(offset);
        if (trackers.get(tp) == tracker && commitTimer < 0) {
            commitTimer = vertx.setTimer(COMMIT_INTERVAL_MS, id -> {
                commitTimer = -1;
                commit();
            });
        }
    }

    private void commit() {
        if (committing) {
            commitAgain = true;
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, OffsetTracker> owners = new HashMap<>();
        trackers.forEach((tp, tracker) -> {
            long position = tracker.committable();
            if (position >= 0) {
                offsets.put(tp, new OffsetAndMetadata(position, ""));
                owners.put(tp, tracker);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        committing = true;
        consumer.commit(offsets).onComplete(done -> {
            committing = false;
            if (done.succeeded()) {
                offsets.forEach((tp, om) -> owners.get(tp).committed(om.getOffset()));
            } else {
                log.warn("offset commit {} failed: {}", offsets, done.cause().toString());
            }
            if (commitAgain) {
                commitAgain = false;
                commit();
            }
        });
    }

    /** Stops taking new records; those in flight are still answered and committed. */
    public void stopReading() {
        stopping = true;
        if (consumer != null && !paused) {
            paused = true;
            consumer.pause();
        }
    }

    /** Commits what is committable now; completes when the commit (if any) is done. */
    public Future<Void> commitNow() {
        if (commitTimer >= 0) {
            vertx.cancelTimer(commitTimer);
            commitTimer = -1;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        trackers.forEach((tp, tracker) -> {
            long position = tracker.committable();
            if (position >= 0) {
                offsets.put(tp, new OffsetAndMetadata(position, ""));
            }
        });
        if (offsets.isEmpty() || consumer == null) {
            return Future.succeededFuture();
        }
        return consumer.commit(offsets).<Void>mapEmpty().recover(e -> {
            log.warn("final offset commit failed: {}", e.toString());
            return Future.succeededFuture();
        });
    }

    /** Whether a commit is on its way to the broker. */
    public boolean committing() {
        return committing;
    }

    /** Requests accepted and not yet answered, user and evaluation. */
    public int inFlight() {
        return inFlight + evaluationInFlight;
    }

    /** Evaluation requests accepted and not yet answered. */
    public int evaluationInFlight() {
        return evaluationInFlight;
    }

    public Future<Void> close() {
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    /** Sends a request's chunks to its result topic and its failures to the errors topic. */
    private final class KafkaSink implements JobSink {
        private final TopicPartition tp;
        private final OffsetTracker tracker;
        private final long offset;
        private final ErrorRecords.Source source;
        private final long receivedAt;
        private final TrafficPurpose purpose;

        KafkaSink(TopicPartition tp, OffsetTracker tracker, long offset, ErrorRecords.Source source, long receivedAt,
                  TrafficPurpose purpose) {
            this.purpose = purpose;
            this.tp = tp;
            this.tracker = tracker;
            this.offset = offset;
            this.source = source;
            this.receivedAt = receivedAt;
        }

        @Override
        public Future<Void> send(ValidRequest request, GenerationResult chunk) {
            // A result that cannot be written (say, a reply topic that does not exist) is answered with an error.
            return publisher.result(request.resultTopic(), chunk).recover(e -> {
                log.warn("result of {} to {} failed: {}", chunk.getRequestId(), request.resultTopic(), e.toString());
                return sendError(request, ErrorCode.INTERNAL,
                    "could not write the result to topic " + request.resultTopic() + ": " + e.getMessage());
            });
        }

        @Override
        public Future<Void> sendError(ValidRequest request, ErrorCode code, String reason) {
            metrics.error(code.name());
            return publisher.error(ErrorRecords.of(request.request().getRequestId(), code, reason, source));
        }

        @Override
        public void finished(boolean delivered) {
            metrics.requestLatency(purpose, Math.max(0, System.currentTimeMillis() - receivedAt));
            answered(tp, tracker, offset, purpose, delivered);
        }
    }
}
