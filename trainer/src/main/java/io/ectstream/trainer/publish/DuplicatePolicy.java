package io.ectstream.trainer.publish;

/** Whether a checkpoint event whose (run, step, SHA-256) is already on the topic is sent again. */
public enum DuplicatePolicy {
    /** The default: skip it (see {@link KafkaTrainingEvents}). */
    SKIP_ANNOUNCED,
    /** Send it anyway: {@code republish --all}, for consumers that lost their state. */
    ANNOUNCE_ALWAYS
}
