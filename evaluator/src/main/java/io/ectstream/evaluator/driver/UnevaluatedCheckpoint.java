package io.ectstream.evaluator.driver;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.records.GenerationErrors;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A checkpoint whose evaluation the driver ended without a FID, and why. The driver publishes it on the errors
 * topic as a GenerationError of component {@value #COMPONENT}, request id {@code eval:<run>@<step>} and the
 * checkpoint event as original bytes, so that fid-history and the dashboard can show a row with the reason
 * (FidReport has no reason field; a FID of a later backfill of the same checkpoint takes the row's place).
 */
public record UnevaluatedCheckpoint(String runId, long step, Phase phase, Long imagesSeen, String reason) {
    public static final String COMPONENT = "evaluation-driver";
    private static final AvroCodec<CheckpointEvent> EVENTS = new AvroCodec<>(CheckpointEvent.class);

    /** The error record that says so: code CHECKPOINT_REJECTED when the sampler rejected it, else UNKNOWN_MODEL. */
    public static GenerationError toError(
            CheckpointEvent event, ErrorCode code, String reason, String checkpointsTopic, Instant now) {
        return GenerationErrors.of(
                COMPONENT,
                "eval:" + EvaluationRequests.checkpoint(event.getRunId(), event.getStep()),
                code,
                reason,
                new GenerationErrors.Source(checkpointsTopic, null, null, EVENTS.encode(event)),
                now);
    }

    /** The unevaluated checkpoint an error record reports, or null when it is any other error. */
    public static UnevaluatedCheckpoint from(GenerationError error) {
        if (!COMPONENT.equals(error.getComponent()) || error.getOriginalBytes() == null) {
            return null;
        }
        ByteBuffer view = error.getOriginalBytes().duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        try {
            CheckpointEvent event = EVENTS.decode(bytes);
            return new UnevaluatedCheckpoint(
                    event.getRunId(),
                    event.getStep(),
                    event.getPhase(),
                    event.getImagesSeen(),
                    error.getReason().toString());
        } catch (RecordDecodingException e) {
            return null;
        }
    }
}
