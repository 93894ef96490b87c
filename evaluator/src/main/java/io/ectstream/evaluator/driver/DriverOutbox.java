package io.ectstream.evaluator.driver;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationRequest;
import java.time.Instant;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Where the driver's decisions go: the evaluation requests and errors topics ({@link KafkaOutbox}), or a test's list. */
interface DriverOutbox {
    /** Sends one evaluation request; the future names the record it was written to. */
    Future<RecordMetadata> request(GenerationRequest request);

    /** Tells fid-history and the dashboard, through the errors topic, that the checkpoint gets no FID and why. */
    void unevaluated(CheckpointEvent event, ErrorCode code, String reason, Instant at);
}
