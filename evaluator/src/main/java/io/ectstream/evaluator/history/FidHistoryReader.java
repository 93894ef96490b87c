package io.ectstream.evaluator.history;

import io.ectstream.evaluator.driver.UnevaluatedCheckpoint;
import io.ectstream.platform.kafka.EndOffsetReader;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the FID topic from the beginning up to its end offsets at start (no consumer group, nothing
 * committed) and returns the reports of one run. Undecodable records are counted and skipped.
 * Only committed records are read (read_committed): the evaluator writes reports in transactions.
 */
public final class FidHistoryReader {
    private static final Logger log = LoggerFactory.getLogger(FidHistoryReader.class);

    /** The run's reports in topic order, and how many records could not be decoded. */
    public record History(List<FidReport> reports, int undecodable) {}

    private FidHistoryReader() {}

    public static History read(String bootstrapServers, String topic, String runId, Duration timeout) {
        return read(KafkaClientSettings.of(bootstrapServers), topic, runId, timeout);
    }

    /** @param settings what the consumer starts from (bootstrap servers, security) */
    public static History read(KafkaClientSettings settings, String topic, String runId, Duration timeout) {
        return read(settings, topic, runId, timeout, RecordFormat.SINGLE_OBJECT);
    }

    /** @param records the deployment's wire format of the reports */
    public static History read(
            KafkaClientSettings settings, String topic, String runId, Duration timeout, RecordFormat records) {
        Deserializer<FidReport> codec = records.serde(FidReport.class).deserializer();
        List<FidReport> reports = new ArrayList<>();
        int[] undecodable = {0};
        boolean exists = readAll(settings, topic, timeout, value -> {
            try {
                FidReport report = codec.deserialize(topic, value);
                if (report.getModelVersion().getRunId().equals(runId)) {
                    reports.add(report);
                }
            } catch (RecordDecodingException e) {
                undecodable[0]++;
            }
        });
        if (!exists) {
            throw new IllegalArgumentException("topic " + topic + " does not exist");
        }
        log.debug("read {} reports of run {} from {} ({} undecodable)", reports.size(), runId, topic, undecodable[0]);
        return new History(reports, undecodable[0]);
    }

    /**
     * The run's checkpoints the evaluation driver reported on the errors topic as not evaluated, in topic order;
     * none when the topic does not exist. Other errors are skipped.
     */
    public static List<UnevaluatedCheckpoint> unevaluated(
            KafkaClientSettings settings, String errorsTopic, String runId, Duration timeout) {
        return unevaluated(settings, errorsTopic, runId, timeout, RecordFormat.SINGLE_OBJECT);
    }

    /** @param records the deployment's wire format of the error records */
    public static List<UnevaluatedCheckpoint> unevaluated(
            KafkaClientSettings settings, String errorsTopic, String runId, Duration timeout, RecordFormat records) {
        Deserializer<GenerationError> codec =
                records.serde(GenerationError.class).deserializer();
        List<UnevaluatedCheckpoint> found = new ArrayList<>();
        readAll(settings, errorsTopic, timeout, value -> {
            try {
                UnevaluatedCheckpoint u = UnevaluatedCheckpoint.from(codec.deserialize(errorsTopic, value));
                if (u != null && u.runId().equals(runId)) {
                    found.add(u);
                }
            } catch (RecordDecodingException e) {
                // another service's record this version cannot read: not an unevaluated checkpoint
            }
        });
        return found;
    }

    /** Hands every committed record value of the topic, up to its end offsets now, to {@code each}; false if no such topic. */
    private static boolean readAll(
            KafkaClientSettings settings, String topic, Duration timeout, Consumer<byte[]> each) {
        KafkaClientSettings reader = settings.without(ConsumerConfig.GROUP_ID_CONFIG)
                .withDefaults(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "ect-fid-history"));
        Map<String, Object> own = Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(reader, own)) {
            return EndOffsetReader.readToEnd(consumer, topic, timeout, record -> each.accept(record.value()));
        }
    }
}
