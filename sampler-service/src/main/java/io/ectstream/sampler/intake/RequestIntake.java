package io.ectstream.sampler.intake;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.logging.LogContext;
import io.ectstream.sampler.RequestLogContext;
import io.ectstream.sampler.RequestPipeline;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.batch.JobSink;
import io.ectstream.sampler.metrics.SamplerMetrics;
import io.ectstream.sampler.models.UnknownModelException;
import io.ectstream.sampler.publish.KafkaPublisher;
import io.ectstream.sampler.validate.InvalidRequestException;
import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.records.GenerationErrors;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads GenerationRequests of one topic in a consumer group (instances share the partitions) and answers each
 * record exactly with results or a GenerationError. Runs on the service's event loop; the Kafka consumer
 * itself runs in a {@link RecordFeed}. One intake per topic: user requests and evaluation requests each have
 * their own topic, group and in-flight budget, and every request is served as the purpose of its topic,
 * whatever its purpose field says (a client cannot make its images count as evaluation).
 * Delivery: at-least-once with manual commits; see the package documentation.
 */
public final class RequestIntake {
    private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);
    static final long AUTHORIZATION_RETRY_MS = 10_000;
    /** Answers are committed in groups at most this often: fewer commit round trips, same guarantee. */
    private static final long COMMIT_INTERVAL_MS = 50;

    private static final long COMMIT_RETRY_MS = 500;
    /** A request record is a few hundred bytes; a larger one is refused unread. */
    public static final int MAX_REQUEST_RECORD_BYTES = 1 << 20;

    private static final long PUBLISH_RETRY_FIRST_MS = 200;
    private static final long PUBLISH_RETRY_MAX_MS = 5_000;

    /**
     * What one intake reads.
     * @param maxInFlight     requests accepted and not yet answered before the consumer pauses
     * @param revocationWait  how long a rebalance waits for the revoked partitions' requests before handing them over
     */
    public record Source(
            String topic, String groupId, TrafficPurpose purpose, int maxInFlight, Duration revocationWait) {}

    private final Vertx vertx;
    private final Source source;
    private final KafkaClientSettings settings;
    private final RequestPipeline pipeline;
    private final KafkaPublisher publisher;
    private final SamplerMetrics metrics;
    private final Deserializer<GenerationRequest> codec;
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private RecordFeed feed;
    private int inFlight;
    private boolean paused;
    private boolean committing;
    private boolean commitAgain;
    private boolean stopping;
    private long commitTimer = -1;

    public RequestIntake(
            Vertx vertx,
            Source source,
            KafkaClientSettings settings,
            RequestPipeline pipeline,
            KafkaPublisher publisher,
            SamplerMetrics metrics,
            RecordFormat records) {
        this.codec = records.serde(GenerationRequest.class).deserializer();
        this.vertx = vertx;
        this.source = source;
        this.settings = settings;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** Starts reading; call on the service's event loop. */
    public void start() {
        if (stopping || feed != null) {
            return;
        }
        feed = new RecordFeed(
                vertx.getOrCreateContext(),
                settings,
                source.topic(),
                source.groupId(),
                source.maxInFlight(),
                source.revocationWait(),
                metrics,
                new Owner());
        feed.start();
        log.info("reading {} requests from {} (group {})", source.purpose(), source.topic(), source.groupId());
    }

    private final class Owner implements RecordFeed.Owner {
        @Override
        public void assigned(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> trackers.put(tp, new OffsetTracker()));
            log.info("request partitions assigned: {}", partitions);
        }

        @Override
        public void records(List<ConsumerRecord<String, byte[]>> records) {
            for (ConsumerRecord<String, byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                // Fetched before a revocation or a stop began: left uncommitted, to the partition's next owner.
                if (!stopping && feed.owns(tp)) {
                    onRecord(tp, record);
                }
            }
        }

        @Override
        public Future<Map<TopicPartition, OffsetAndMetadata>> revoking(Collection<TopicPartition> partitions) {
            Promise<Map<TopicPartition, OffsetAndMetadata>> offsets = Promise.promise();
            long deadline = System.currentTimeMillis() + source.revocationWait().toMillis();
            vertx.setPeriodic(0, 5, id -> {
                boolean answered = partitions.stream()
                        .allMatch(tp ->
                                trackers.getOrDefault(tp, new OffsetTracker()).pendingCount() == 0);
                if (!answered && System.currentTimeMillis() < deadline) {
                    return;
                }
                vertx.cancelTimer(id);
                Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
                int unanswered = 0;
                for (TopicPartition tp : partitions) {
                    OffsetTracker tracker = trackers.remove(tp);
                    if (tracker != null) {
                        unanswered += tracker.pendingCount();
                        long position = tracker.committable();
                        if (position >= 0) {
                            finished.put(tp, new OffsetAndMetadata(position, ""));
                        }
                    }
                }
                if (unanswered > 0) {
                    log.warn(
                            "partitions {} handed over with {} requests unanswered; their next owner answers them again",
                            partitions,
                            unanswered);
                }
                offsets.complete(finished);
            });
            return offsets.future();
        }

        @Override
        public void lost(Collection<TopicPartition> partitions) {
            partitions.forEach(trackers::remove);
            log.warn("request partitions lost: {} (their unanswered requests will be redelivered)", partitions);
        }
    }

    private void onRecord(TopicPartition tp, ConsumerRecord<String, byte[]> record) {
        OffsetTracker tracker = trackers.computeIfAbsent(tp, p -> new OffsetTracker());
        long offset = record.offset();
        if (!tracker.received(offset)) {
            log.warn(
                    "request record {}:{} handed over again by the consumer: skipped, it is already being answered",
                    tp,
                    offset);
            return;
        }
        GenerationErrors.Source origin =
                new GenerationErrors.Source(record.topic(), record.partition(), offset, record.value());
        TrafficPurpose purpose = source.purpose();
        countIn();
        if (record.value() != null && record.value().length > MAX_REQUEST_RECORD_BYTES) {
            reject(
                    null,
                    ErrorCode.INVALID_REQUEST,
                    "request record of " + record.value().length + " bytes is larger than the "
                            + MAX_REQUEST_RECORD_BYTES + " bytes a request may have",
                    origin,
                    tp,
                    tracker,
                    offset);
            return;
        }
        GenerationRequest request;
        try {
            request = codec.deserialize(record.topic(), record.value());
        } catch (RecordDecodingException e) {
            reject(null, ErrorCode.UNDECODABLE, e.getMessage(), origin, tp, tracker, offset);
            return;
        }
        try (LogContext ignored = RequestLogContext.of(request)) {
            if (request.getPurpose() != purpose) {
                log.info(
                        "request {} at {}:{} says purpose {}: served as {} traffic, the purpose of topic {}",
                        request.getRequestId(),
                        tp,
                        offset,
                        request.getPurpose(),
                        purpose,
                        source.topic());
                request.setPurpose(purpose);
            }
            String requestId = request.getRequestId();
            try {
                pipeline.submit(
                        request, record.timestamp(), new KafkaSink(tp, tracker, offset, origin, record.timestamp()));
                metrics.request("accepted", purpose);
            } catch (InvalidRequestException e) {
                reject(requestId, e.code(), e.getMessage(), origin, tp, tracker, offset);
            } catch (UnknownModelException e) {
                reject(requestId, e.code(), e.getMessage(), origin, tp, tracker, offset);
            } catch (RuntimeException e) {
                log.error("request {} at {}:{} failed unexpectedly", requestId, tp, offset, e);
                reject(requestId, ErrorCode.INTERNAL, e.toString(), origin, tp, tracker, offset);
            }
        }
    }

    private void countIn() {
        inFlight++;
        if (!paused && inFlight >= source.maxInFlight()) {
            paused = true;
            feed.pause(true);
        }
    }

    private void countOut() {
        inFlight--;
        if (paused && !stopping && inFlight <= source.maxInFlight() / 2) {
            paused = false;
            feed.pause(false);
        }
    }

    private void reject(
            String requestId,
            ErrorCode code,
            String reason,
            GenerationErrors.Source origin,
            TopicPartition tp,
            OffsetTracker tracker,
            long offset) {
        if (code == ErrorCode.UNKNOWN_MODEL && source.purpose() == TrafficPurpose.EVALUATION) {
            // the evaluation driver asks as soon as a checkpoint is announced and re-sends until it is loaded
            log.debug("request {} at {}:{} rejected: {} {}", requestId, tp, offset, code, reason);
        } else {
            log.info("request {} at {}:{} rejected: {} {}", requestId, tp, offset, code, reason);
        }
        metrics.request("rejected", requestId == null ? null : source.purpose());
        metrics.error(code.name());
        publisher
                .error(GenerationErrors.of(SamplerConfig.COMPONENT, requestId, code, reason, origin, Instant.now()))
                .onComplete(done -> answered(tp, tracker, offset, done.succeeded()));
    }

    private void answered(TopicPartition tp, OffsetTracker tracker, long offset, boolean durable) {
        countOut();
        if (!durable) {
            // Left pending on purpose: the commit point stays before it, so the next owner answers it again.
            log.error("answer to {}:{} was not acknowledged by the broker; it stays uncommitted", tp, offset);
            return;
        }
        tracker.answered(offset);
        if (trackers.get(tp) == tracker) {
            scheduleCommit(COMMIT_INTERVAL_MS);
        }
    }

    private void scheduleCommit(long delayMs) {
        if (commitTimer < 0) {
            commitTimer = vertx.setTimer(delayMs, id -> {
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
        if (offsets.isEmpty() || feed == null) {
            return;
        }
        committing = true;
        feed.commit(offsets).onComplete(done -> {
            committing = false;
            if (done.succeeded()) {
                offsets.forEach((tp, om) -> owners.get(tp).committed(om.offset()));
            } else {
                // Tried again even if no answer follows (the last answers before a broker restart, say).
                log.warn(
                        "offset commit {} failed: {}; trying again in {} ms",
                        offsets,
                        done.cause().toString(),
                        COMMIT_RETRY_MS);
                if (!stopping) {
                    scheduleCommit(COMMIT_RETRY_MS);
                }
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
        paused = true;
        if (feed != null) {
            feed.pause(true);
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
        if (offsets.isEmpty() || feed == null) {
            return Future.succeededFuture();
        }
        return feed.commit(offsets).recover(e -> {
            log.warn("final offset commit failed: {}", e.toString());
            return Future.succeededFuture();
        });
    }

    /** Whether a commit is on its way to the broker. */
    public boolean committing() {
        return committing;
    }

    /** Requests accepted and not yet answered. */
    public int inFlight() {
        return inFlight;
    }

    public TrafficPurpose purpose() {
        return source.purpose();
    }

    /** Stops the consumer without a commit of its own (call {@link #commitNow()} first for a graceful stop). */
    public Future<Void> close() {
        stopping = true;
        return feed == null ? Future.succeededFuture() : feed.close();
    }

    /** Sends a request's chunks to its result topic and its failures to the errors topic. */
    private final class KafkaSink implements JobSink {
        private final TopicPartition tp;
        private final OffsetTracker tracker;
        private final long offset;
        private final GenerationErrors.Source origin;
        private final long receivedAt;

        KafkaSink(
                TopicPartition tp,
                OffsetTracker tracker,
                long offset,
                GenerationErrors.Source origin,
                long receivedAt) {
            this.tp = tp;
            this.tracker = tracker;
            this.offset = offset;
            this.origin = origin;
            this.receivedAt = receivedAt;
        }

        @Override
        public Future<Void> send(ValidRequest request, GenerationResult chunk) {
            return publish(request, chunk, PUBLISH_RETRY_FIRST_MS);
        }

        /**
         * A retriable failure (the broker away) is never answered with an error: the result may be written after
         * all, or the request answered again by the partition's next owner, and a client would then hold an
         * error and a result for one request. The chunk is sent again while this instance owns the partition;
         * if it loses it, the request stays unanswered and its next owner answers it.
         * Any other failure (say, a record too large for the reply topic) is answered with an error.
         */
        private Future<Void> publish(ValidRequest request, GenerationResult chunk, long backoffMs) {
            return publisher.result(request.resultTopic(), chunk).recover(e -> {
                if (e instanceof RetriableException) {
                    if (stopping || !feed.owns(tp) || trackers.get(tp) != tracker) {
                        return Future.failedFuture(e);
                    }
                    try (LogContext ignored = RequestLogContext.of(request.request())) {
                        log.warn(
                                "result of {} to {} not acknowledged ({}); sending it again in {} ms",
                                chunk.getRequestId(),
                                request.resultTopic(),
                                e.toString(),
                                backoffMs);
                    }
                    Promise<Void> again = Promise.promise();
                    vertx.setTimer(
                            backoffMs,
                            id -> publish(request, chunk, Math.min(2 * backoffMs, PUBLISH_RETRY_MAX_MS))
                                    .onComplete(again));
                    return again.future();
                }
                try (LogContext ignored = RequestLogContext.of(request.request())) {
                    log.warn(
                            "result of {} to {} failed: {}", chunk.getRequestId(), request.resultTopic(), e.toString());
                }
                return sendError(
                        request,
                        ErrorCode.INTERNAL,
                        "could not write the result to topic " + request.resultTopic() + ": " + e.getMessage());
            });
        }

        @Override
        public Future<Void> sendError(ValidRequest request, ErrorCode code, String reason) {
            metrics.error(code.name());
            return publisher.error(GenerationErrors.of(
                    SamplerConfig.COMPONENT, request.request().getRequestId(), code, reason, origin, Instant.now()));
        }

        @Override
        public void finished(boolean delivered) {
            metrics.requestLatency(source.purpose(), Math.max(0, System.currentTimeMillis() - receivedAt));
            answered(tp, tracker, offset, delivered);
        }
    }
}
