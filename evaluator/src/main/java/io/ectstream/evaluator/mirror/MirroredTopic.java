package io.ectstream.evaluator.mirror;

import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrainingProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.avro.specific.SpecificRecord;

/** A platform topic of Avro records and its JSON copy, {@code <topic>.json}, with the source's partitions and configs. */
public record MirroredTopic(TopicSpec source, Class<? extends SpecificRecord> type) {
    public static final String SUFFIX = Topics.JSON_COPY_SUFFIX;

    /** The record type of every role the mirror copies ({@link ServiceAccess#JSON_MIRROR}'s JSON copies). */
    static final Map<TopicRole, Class<? extends SpecificRecord>> TYPES = Map.of(
            TopicRole.CHECKPOINTS, CheckpointEvent.class,
            TopicRole.PROGRESS, TrainingProgress.class,
            TopicRole.REQUESTS, GenerationRequest.class,
            TopicRole.EVALUATION_REQUESTS, GenerationRequest.class,
            TopicRole.RESULTS, GenerationResult.class,
            TopicRole.ERRORS, GenerationError.class,
            TopicRole.FID, FidReport.class);

    /** The mirrored topics of a layout, in role order: the roles the mirror declares it copies. */
    public static List<MirroredTopic> of(TopicLayout layout) {
        List<MirroredTopic> topics = new ArrayList<>();
        for (TopicSpec spec : layout.specs()) {
            if (ServiceAccess.JSON_MIRROR.jsonCopies().contains(spec.role())) {
                topics.add(new MirroredTopic(
                        spec,
                        Objects.requireNonNull(
                                TYPES.get(spec.role()), spec.role().key())));
            }
        }
        return List.copyOf(topics);
    }

    public TopicSpec target() {
        return source.withName(Topics.jsonCopyOf(source.name()));
    }

    /** The JSON topic's {@code max.message.bytes} where its definition sets one (results: 32 MiB). */
    public OptionalInt maxMessageBytes() {
        String limit = source.configs().get("max.message.bytes");
        return limit == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(limit));
    }

    /** The JSON topics' definitions, to create the missing ones. */
    public static TopicLayout targets(List<MirroredTopic> topics) {
        Map<TopicRole, TopicSpec> specs = new java.util.EnumMap<>(TopicRole.class);
        topics.forEach(t -> specs.put(t.source().role(), t.target()));
        return new TopicLayout(specs);
    }
}
