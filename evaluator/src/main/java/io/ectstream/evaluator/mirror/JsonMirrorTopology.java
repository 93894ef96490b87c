package io.ectstream.evaluator.mirror;

import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.serde.RecordFormat;
import java.time.Clock;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Each source topic to {@code <topic>.json}: same key (a string), same timestamp, the value as plain JSON
 * ({@link io.ectstream.schemas.json.RecordJson}); a value that is not a record of the topic (UNDECODABLE), or whose
 * JSON would not fit the JSON topic (INTERNAL), goes to the errors topic as an error naming it, and the partition
 * moves on.
 */
public final class JsonMirrorTopology {
    private JsonMirrorTopology() {}

    public static Topology build(List<MirroredTopic> topics, String errorsTopic, Clock clock) {
        return build(topics, errorsTopic, clock, RecordFormat.SINGLE_OBJECT);
    }

    /** @param records the deployment's wire format of the source topics and the errors topic */
    public static Topology build(List<MirroredTopic> topics, String errorsTopic, Clock clock, RecordFormat records) {
        StreamsBuilder builder = new StreamsBuilder();
        for (MirroredTopic topic : topics) {
            mirror(builder, topic, topic.type(), errorsTopic, clock, records);
        }
        return builder.build();
    }

    private static <T extends SpecificRecord> void mirror(
            StreamsBuilder builder,
            MirroredTopic topic,
            Class<T> type,
            String errorsTopic,
            Clock clock,
            RecordFormat records) {
        builder.stream(topic.source().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .processValues(() -> new ToJson<>(type, topic.maxMessageBytes(), clock, records))
                .split()
                .branch(
                        (key, m) -> m.ok(),
                        Branched.withConsumer(s -> s.mapValues(Mirrored::json)
                                .to(topic.target().name(), Produced.with(Serdes.String(), Serdes.ByteArray()))))
                .defaultBranch(Branched.withConsumer(s -> s.mapValues(Mirrored::error)
                        .to(errorsTopic, Produced.with(Serdes.String(), records.serde(GenerationError.class)))));
    }
}
