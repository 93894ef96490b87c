package io.ectstream.evaluator.driver;

import io.ectstream.schemas.serde.RecordFormat;
import io.ectstream.schemas.topics.TopicNames;
import java.time.Duration;

/**
 * Where the driver reads and writes, and how it retries.
 *
 * @param evaluationRequestsTopic where the driver writes its requests: a topic only the driver may write
 *                    (ACLs), whose requests the sampler marks EVALUATION; never the users' requests topic
 * @param retryDelay  wait before the first re-send of a request the sampler answered with UNKNOWN_MODEL while
 *                    its checkpoint is still the newest (the sampler had not loaded it yet); doubled per re-send
 * @param retryWindow how long after its first send a request is still retried; after that the checkpoint's
 *                    evaluation ends
 */
public record DriverConfig(
        String groupId,
        String checkpointsTopic,
        String evaluationRequestsTopic,
        String errorsTopic,
        Duration retryDelay,
        Duration retryWindow,
        RecordFormat records) {

    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofMinutes(2);

    public DriverConfig {
        if (groupId == null
                || groupId.isBlank()
                || checkpointsTopic == null
                || evaluationRequestsTopic == null
                || errorsTopic == null) {
            throw new IllegalArgumentException(
                    "group id and the checkpoints, evaluation requests and errors topics are required");
        }
        if (retryDelay.isNegative() || retryWindow.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException("retry delay must be >= 0 and the retry window at least the delay");
        }
        if (records == null) {
            throw new IllegalArgumentException("a record format is required");
        }
    }

    /** Records in single-object encoding, the default wire format. */
    public DriverConfig(
            String groupId,
            String checkpointsTopic,
            String evaluationRequestsTopic,
            String errorsTopic,
            Duration retryDelay,
            Duration retryWindow) {
        this(
                groupId,
                checkpointsTopic,
                evaluationRequestsTopic,
                errorsTopic,
                retryDelay,
                retryWindow,
                RecordFormat.SINGLE_OBJECT);
    }

    /** Records framed as {@code format} says. */
    public DriverConfig withRecords(RecordFormat format) {
        return new DriverConfig(
                groupId, checkpointsTopic, evaluationRequestsTopic, errorsTopic, retryDelay, retryWindow, format);
    }

    /** The default topics (errors from {@link TopicNames#defaults()}) and retry timings. */
    public static DriverConfig of(String groupId, String checkpointsTopic, String evaluationRequestsTopic) {
        return new DriverConfig(
                groupId,
                checkpointsTopic,
                evaluationRequestsTopic,
                TopicNames.defaults().generateErrors(),
                DEFAULT_RETRY_DELAY,
                DEFAULT_RETRY_WINDOW);
    }
}
