package io.ectstream.evaluator.stream;

import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.records.GenerationErrors;
import io.ectstream.schemas.serde.AvroSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The evaluator: generation results in, FID reports out.
 * <pre>
 * ect.generate.results (bytes) -> parse Avro -----------------------------------> errors topic (undecodable)
 *   -> key by sample group (version, sampler, steps, purpose) -> repartition
 *   -> each (request id, chunk) of the group once (state store; redeliveries dropped)
 *   -> decode images + extract features (batches) -------------------------------> errors topic (bad images)
 *   -> add to the group's moments (state store), every K samples -> ect.eval.fid (ALL and ROLLING reports)
 *                                                      unreadable moments state -> errors topic
 * ect.checkpoints (optional) -> global store runId@step -> imagesSeen, read when a report is made
 * </pre>
 */
public final class FidTopology {
    public static final String MOMENTS_STORE = "moments";
    public static final String IMAGES_SEEN_STORE = "checkpoint-images-seen";
    public static final String COUNTED_CHUNKS_STORE = "counted-chunks";

    private FidTopology() {}

    public static Topology buildTopology(
            EvaluatorConfig config,
            FeatureExtractor extractor,
            ReferenceStatistics reference,
            EvaluatorCounters counters,
            Clock clock) {
        checkCompatible(extractor, reference);
        FrechetDistance fid = new FrechetDistance(reference.statistics());
        String referenceId = reference.id();
        // only this application reads its repartition topic: it stays in single-object encoding
        Serde<GenerationResult> resultSerde = AvroSerdes.generationResult();
        Serde<GenerationError> errorSerde = config.records().serde(GenerationError.class);

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(momentsStore(config));
        builder.addStateStore(countedChunksStore());
        boolean knowsCheckpoints = config.topics().has(TopicRole.CHECKPOINTS);
        if (knowsCheckpoints) {
            builder.addGlobalStore(
                    imagesSeenStore(),
                    config.topics().checkpoints(),
                    Consumed.with(Serdes.String(), Serdes.ByteArray()),
                    () -> new RecordImagesSeen(config.records()));
        }

        KStream<String, byte[]> raw =
                builder.stream(config.topics().results(), Consumed.with(Serdes.String(), Serdes.ByteArray()));

        KStream<String, GenerationResult> results = withoutErrors(
                raw.processValues(() -> new ParseResult(counters, clock, config.records()), Named.as("parse-result")),
                "parse",
                config.topics().errors(),
                errorSerde);

        KStream<String, GenerationResult> eachChunkOnce = results.selectKey(
                        (requestId, result) -> SampleGroup.of(result).key(), Named.as("key-by-sample-group"))
                .repartition(Repartitioned.with(Serdes.String(), resultSerde).withName("by-sample-group"))
                .processValues(
                        () -> new CountEachChunkOnce(counters),
                        Named.as("count-each-chunk-once"),
                        COUNTED_CHUNKS_STORE);

        KStream<String, FeatureBatch> features = withoutErrors(
                eachChunkOnce.processValues(
                        () -> new ExtractFeatures(extractor, config.featureBatchSize(), counters, clock),
                        Named.as("extract-features")),
                "features",
                config.topics().errors(),
                errorSerde);

        withoutErrors(
                        features.process(
                                () -> new AccumulateMoments(
                                        config.schedule(),
                                        fid,
                                        extractor.id(),
                                        referenceId,
                                        counters,
                                        clock,
                                        knowsCheckpoints),
                                Named.as("accumulate-moments"),
                                MOMENTS_STORE),
                        "moments",
                        config.topics().errors(),
                        errorSerde)
                .to(
                        config.topics().fid(),
                        Produced.with(Serdes.String(), config.records().serde(FidReport.class)));

        return builder.build();
    }

    /** Sends a stage's error records to the error topic and passes its values on. */
    private static <T> KStream<String, T> withoutErrors(
            KStream<String, Parsed<T>> stage, String name, String errorsTopic, Serde<GenerationError> errorSerde) {
        Map<String, KStream<String, Parsed<T>>> branches = stage.split(Named.as(name + "-"))
                .branch((key, parsed) -> parsed.isError(), Branched.as("errors"))
                .defaultBranch(Branched.as("ok"));
        branches.get(name + "-errors")
                .mapValues(Parsed::error, Named.as(name + "-error-records"))
                // the key is the input's, and as unbounded as the input: cut as the record's request id is
                .selectKey((key, error) -> GenerationErrors.bounded(key), Named.as(name + "-error-keys"))
                .to(errorsTopic, Produced.with(Serdes.String(), errorSerde));
        return branches.get(name + "-ok").mapValues(Parsed::value, Named.as(name + "-values"));
    }

    static StoreBuilder<KeyValueStore<String, io.ectstream.evaluator.fid.Moments>> momentsStore(
            EvaluatorConfig config) {
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(MOMENTS_STORE), Serdes.String(), new MomentsSerde())
                .withCachingDisabled()
                .withLoggingEnabled(Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(config.streams().maxMessageBytes())));
    }

    /** (group, request id, chunk) -> record time, kept {@link CountEachChunkOnce#REMEMBERED}; changelogged. */
    private static StoreBuilder<WindowStore<String, Long>> countedChunksStore() {
        Duration kept = CountEachChunkOnce.REMEMBERED;
        return Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(COUNTED_CHUNKS_STORE, kept, kept, false),
                        Serdes.String(),
                        Serdes.Long())
                .withCachingDisabled();
    }

    private static StoreBuilder<KeyValueStore<String, Long>> imagesSeenStore() {
        // A global store restores from its source topic: no changelog.
        return Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(IMAGES_SEEN_STORE), Serdes.String(), Serdes.Long())
                .withLoggingDisabled();
    }

    /** @throws IllegalArgumentException when the reference statistics were not made with this extractor */
    public static void checkCompatible(FeatureExtractor extractor, ReferenceStatistics reference) {
        if (!extractor.id().equals(reference.extractorId())) {
            throw new IllegalArgumentException("the reference statistics " + reference.id() + " were made with "
                    + reference.extractorId() + ", not with the configured extractor " + extractor.id());
        }
        if (extractor.dimension() != reference.dimension()) {
            throw new IllegalArgumentException("extractor " + extractor.id() + " gives " + extractor.dimension()
                    + " features, the reference statistics have " + reference.dimension());
        }
    }
}
