package io.ectstream.sampler;

import io.ectstream.platform.logging.LogContext;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ModelVersion;

/** The log fields of the sampler's work: requestId, runId, step of a request, or runId, step of a batch's model. */
public final class RequestLogContext {
    public static final String REQUEST_ID = "requestId";
    public static final String RUN_ID = "runId";
    public static final String STEP = "step";

    private RequestLogContext() {}

    public static LogContext of(GenerationRequest request) {
        Long step = request.getModel() == null ? null : request.getModel().getStep();
        return LogContext.of(
                REQUEST_ID,
                request.getRequestId(),
                RUN_ID,
                request.getModel() == null ? null : request.getModel().getRunId(),
                STEP,
                step == null ? null : step.toString());
    }

    public static LogContext of(ModelVersion model) {
        return LogContext.of(RUN_ID, model.getRunId(), STEP, Long.toString(model.getStep()));
    }
}
