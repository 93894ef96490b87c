package io.ectstream.sampler.batch;

import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationResult;
import io.vertx.core.Future;

/** Where the answers of one accepted request go: Kafka topics for the intake, an HTTP response for the API. */
public interface JobSink {

    /** Hands over one chunk's result; the future completes once it is durable (Kafka) or taken (HTTP). */
    Future<Void> send(ValidRequest request, GenerationResult chunk);

    /** Reports that the request cannot be answered (its generation failed). */
    Future<Void> sendError(ValidRequest request, ErrorCode code, String reason);

    /** Called once, after every chunk was sent or the error was; {@code delivered} is false if a send failed. */
    void finished(boolean delivered);
}
