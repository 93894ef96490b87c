package io.ectstream.trainer.publish;

import io.ectstream.platform.kafka.EndOffsetReader;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.serde.RecordDecodingException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the checkpoints topic already says about one run: announced steps and the hashes announced for them. */
final class AnnouncedCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(AnnouncedCheckpoints.class);

    private final Map<Long, Set<String>> hashesByStep = new HashMap<>();

    synchronized boolean contains(long step, String sha256) {
        Set<String> hashes = hashesByStep.get(step);
        return hashes != null && hashes.contains(sha256);
    }

    synchronized void add(long step, String sha256) {
        hashesByStep.computeIfAbsent(step, s -> new HashSet<>()).add(sha256);
    }

    synchronized void remove(long step, String sha256) {
        Set<String> hashes = hashesByStep.get(step);
        if (hashes != null) {
            hashes.remove(sha256);
        }
    }

    synchronized int size() {
        return hashesByStep.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * Reads {@code topic} from the beginning to its current end and collects the events keyed {@code runId}.
     * @throws TimeoutException when the broker does not answer within {@code timeout}
     */
    static AnnouncedCheckpoints read(PublisherConfig config, String topic, String runId, Duration timeout) {
        AnnouncedCheckpoints announced = new AnnouncedCheckpoints();
        Deserializer<CheckpointEvent> deserializer =
                config.records().serde(CheckpointEvent.class).deserializer();
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.consumer(PublisherClientProperties.reader(config), Map.of())) {
            EndOffsetReader.readToEnd(consumer, topic, timeout, record -> {
                if (!runId.equals(record.key())) {
                    return;
                }
                try {
                    CheckpointEvent event = deserializer.deserialize(topic, record.value());
                    announced.add(event.getStep(), event.getSha256());
                } catch (RecordDecodingException e) {
                    log.warn(
                            "Skipping an unreadable record at {}-{}@{}: {}",
                            topic,
                            record.partition(),
                            record.offset(),
                            e.getMessage());
                }
            });
        }
        return announced;
    }
}
