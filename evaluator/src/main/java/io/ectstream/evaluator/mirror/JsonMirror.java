package io.ectstream.evaluator.mirror;

import io.ectstream.evaluator.stream.StreamsSettings;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.serde.RecordFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running JSON mirror: a stateless, exactly-once Kafka Streams application over the mirrored topics. */
public final class JsonMirror implements AutoCloseable {
    public static final String DEFAULT_APPLICATION_ID = "ect-json-mirror";
    private static final String COMPONENT = "json-mirror";
    private static final Logger log = LoggerFactory.getLogger(JsonMirror.class);

    private final KafkaStreams streams;
    private final Path stateDir;

    private JsonMirror(KafkaStreams streams, Path stateDir) {
        this.streams = streams;
        this.stateDir = stateDir;
    }

    /** Creates the missing {@code <topic>.json} topics, then starts copying every topic from its beginning. */
    public static JsonMirror start(
            KafkaClientSettings settings, String applicationId, List<MirroredTopic> topics, String errorsTopic) {
        return start(settings, applicationId, topics, errorsTopic, RecordFormat.SINGLE_OBJECT);
    }

    /** {@link #start(KafkaClientSettings, String, List, String)} reading records in {@code records}' wire format. */
    public static JsonMirror start(
            KafkaClientSettings settings,
            String applicationId,
            List<MirroredTopic> topics,
            String errorsTopic,
            RecordFormat records) {
        TopicLayout targets = MirroredTopic.targets(topics);
        try (KafkaTopics admin = new KafkaTopics(settings, Duration.ofSeconds(30))) {
            admin.check(COMPONENT, ServiceAccess.JSON_MIRROR, used(topics, errorsTopic));
            admin.create(targets);
        }
        Path stateDir;
        try {
            // Stateless: the folder only holds Streams' lock and process-id files.
            stateDir = Files.createTempDirectory("ect-json-mirror");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaStreams streams = new KafkaStreams(
                JsonMirrorTopology.build(topics, errorsTopic, Clock.systemUTC(), records),
                properties(settings, applicationId, stateDir));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("json mirror stream thread failed, replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        log.info(
                "json mirror {} started: {}",
                applicationId,
                topics.stream()
                        .map(t -> t.source().name() + " -> " + t.target().name())
                        .toList());
        return new JsonMirror(streams, stateDir);
    }

    /** The topics it reads and writes this run, as its declaration names them: the sources and the errors topic. */
    public static Topics used(List<MirroredTopic> topics, String errorsTopic) {
        Map<TopicRole, String> names = new EnumMap<>(TopicRole.class);
        topics.forEach(t -> names.put(t.source().role(), t.source().name()));
        names.put(TopicRole.ERRORS, errorsTopic);
        return new Topics(names);
    }

    /** The mirror's Kafka Streams properties (exactly-once, room for the largest result as JSON). */
    public static Properties properties(KafkaClientSettings settings, String applicationId, Path stateDir) {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // A result may be up to 32 MiB of Avro, a third more as base64 JSON.
        int limit = TopicLayout.RESULTS_MAX_MESSAGE_BYTES;
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 2 * limit);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), 4L * limit);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), limit);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), limit);
        // No global store here: this only silences the warning Streams logs at every start while it is off.
        StreamsSettings.enableGlobalProcessingExceptionHandler(p);
        return p;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        boolean closed = streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        log.info("json mirror stopped{}", closed ? "" : " (close timed out)");
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.warn("json mirror: could not remove {}: {}", stateDir, e.toString());
        }
    }
}
