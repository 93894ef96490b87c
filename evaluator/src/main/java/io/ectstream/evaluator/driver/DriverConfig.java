package io.ectstream.evaluator.driver;

import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.serde.RecordFormat;
import java.time.Duration;

/**
 * Where the driver reads and writes, and how it retries.
 *
 * @param topics      the roles {@link ServiceAccess#EVALUATION_DRIVER} declares: checkpoints, errors and the
 *                    evaluation requests, a topic only the driver may write (ACLs), whose requests the sampler marks
 *                    EVALUATION; never the users' requests topic
 * @param retryDelay  wait before the first re-send of a request the sampler answered with UNKNOWN_MODEL while
 *                    its checkpoint is still the newest (the sampler had not loaded it yet); doubled per re-send
 * @param retryWindow how long after its first send a request is still retried; after that the checkpoint's
 *                    evaluation ends
 */
public record DriverConfig(
        String groupId, Topics topics, Duration retryDelay, Duration retryWindow, RecordFormat records) {

    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofMinutes(2);

    public DriverConfig {
        if (groupId == null || groupId.isBlank() || topics == null) {
            throw new IllegalArgumentException(
                    "group id and the checkpoints, evaluation requests and errors topics are required");
        }
        topics = ServiceAccess.EVALUATION_DRIVER.topics(topics, topics.roles());
        if (retryDelay.isNegative() || retryWindow.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException("retry delay must be >= 0 and the retry window at least the delay");
        }
        if (records == null) {
            throw new IllegalArgumentException("a record format is required");
        }
    }

    /** The default topics but these three, records in single-object encoding. */
    public DriverConfig(
            String groupId,
            String checkpointsTopic,
            String evaluationRequestsTopic,
            String errorsTopic,
            Duration retryDelay,
            Duration retryWindow) {
        this(
                groupId,
                named(checkpointsTopic, evaluationRequestsTopic, errorsTopic),
                retryDelay,
                retryWindow,
                RecordFormat.SINGLE_OBJECT);
    }

    private static Topics named(String checkpoints, String evaluationRequests, String errors) {
        if (checkpoints == null || evaluationRequests == null || errors == null) {
            throw new IllegalArgumentException(
                    "group id and the checkpoints, evaluation requests and errors topics are required");
        }
        return Topics.defaults()
                .with(TopicRole.CHECKPOINTS, checkpoints)
                .with(TopicRole.EVALUATION_REQUESTS, evaluationRequests)
                .with(TopicRole.ERRORS, errors);
    }

    public String checkpointsTopic() {
        return topics.checkpoints();
    }

    public String evaluationRequestsTopic() {
        return topics.evaluationRequests();
    }

    public String errorsTopic() {
        return topics.errors();
    }

    /** Records framed as {@code format} says. */
    public DriverConfig withRecords(RecordFormat format) {
        return new DriverConfig(groupId, topics, retryDelay, retryWindow, format);
    }

    /** The default errors topic and retry timings. */
    public static DriverConfig of(String groupId, String checkpointsTopic, String evaluationRequestsTopic) {
        return new DriverConfig(
                groupId,
                checkpointsTopic,
                evaluationRequestsTopic,
                Topics.DEFAULT_ERRORS,
                DEFAULT_RETRY_DELAY,
                DEFAULT_RETRY_WINDOW);
    }
}
