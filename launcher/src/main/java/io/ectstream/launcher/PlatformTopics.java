package io.ectstream.launcher;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.TopicLayout;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts the platform's topics on a local broker exactly as {@link TopicLayout} defines them, as `topics create --fix-drift` does. */
public final class PlatformTopics {
    private static final Logger log = LoggerFactory.getLogger(PlatformTopics.class);

    private PlatformTopics() {}

    /**
     * Creates the missing topics and brings existing ones (kept in the broker's data folder from an earlier run, maybe by
     * an older version) to their definition; what cannot be fixed in place is logged.
     */
    public static KafkaTopics.Created setUp(KafkaClientSettings settings, TopicLayout layout) {
        try (KafkaTopics topics = new KafkaTopics(settings, Duration.ofSeconds(30))) {
            KafkaTopics.Created result = topics.create(layout, true);
            result.drift().forEach(d -> log.warn("topic drift left as it is: {}", d));
            return result;
        }
    }
}
