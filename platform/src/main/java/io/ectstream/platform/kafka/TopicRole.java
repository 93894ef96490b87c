package io.ectstream.platform.kafka;

import java.util.Locale;

/** What a topic carries between the services; the key by which its settings are given on the command line. */
public enum TopicRole {
    CHECKPOINTS,
    PROGRESS,
    REQUESTS,
    /** The evaluation driver's requests; only the driver should be allowed to write it (ACLs). */
    EVALUATION_REQUESTS,
    RESULTS,
    ERRORS,
    FID,
    REFERENCE_STATS,
    RESULTS_JSON;

    /** {@code reference-stats} for {@link #REFERENCE_STATS}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static TopicRole ofKey(String key) {
        for (TopicRole r : values()) {
            if (r.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new InvalidKafkaSettingsException("unknown topic role '" + key + "'; one of "
                + java.util.Arrays.stream(values()).map(TopicRole::key).toList());
    }
}
