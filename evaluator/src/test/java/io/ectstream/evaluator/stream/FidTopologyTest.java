package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FidTopologyTest {
    private static final ReportSchedule SCHEDULE = new ReportSchedule(4, 8);

    @TempDir
    Path stateDir;

    private RandomProjectionExtractor extractor;
    private ReferenceStatistics reference;
    private EvaluatorCounters counters;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> results;
    private TestOutputTopic<String, FidReport> reports;
    private TestOutputTopic<String, GenerationError> errors;

    @BeforeEach
    void start() {
        extractor = new RandomProjectionExtractor(TestResults.SHAPE, 6, 42);
        reference = ReferenceStatsBuilder.compute(
                new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(1), 200)),
                extractor,
                64);
        counters = new EvaluatorCounters();
        EvaluatorConfig config = Configs.config("topology-test", "unused:9092", stateDir, SCHEDULE);
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
        Properties props = StreamsSettings.properties(config);
        driver =
                new TopologyTestDriver(FidTopology.buildTopology(config, extractor, reference, counters, clock), props);
        results = driver.createInputTopic(config.topics().results(), new StringSerializer(), new ByteArraySerializer());
        reports = driver.createOutputTopic(
                config.topics().fid(),
                new StringDeserializer(),
                AvroSerdes.fidReport().deserializer());
        errors = driver.createOutputTopic(
                config.topics().errors(),
                new StringDeserializer(),
                AvroSerdes.generationError().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void reportsEveryKSamplesOverAllSamplesAndTheRollingWindow() {
        ModelVersion version = TestResults.version("run-a", 100);
        Random random = new Random(5);
        List<byte[]> sent = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            List<byte[]> images = TestResults.images(random, 3);
            sent.addAll(images);
            send(
                    "req-" + r,
                    TestResults.result(
                            "req-" + r,
                            version,
                            1,
                            TrafficPurpose.USER,
                            images,
                            r % 2 == 0 ? ImageFormat.PNG : ImageFormat.RAW_UINT8));
        }
        List<KeyValue<String, FidReport>> out = reports.readKeyValuesToList();
        // 15 samples, K = 4: reports at 4, 8 and 12 samples, each over all and over the last W = 8.
        assertEquals(6, out.size());
        long[] expectedCounts = {4, 4, 8, 8, 12, 8};
        int[][] expectedRanges = {{0, 4}, {0, 4}, {0, 8}, {0, 8}, {0, 12}, {4, 12}};
        for (int i = 0; i < out.size(); i++) {
            FidReport report = out.get(i).value;
            assertEquals("run-a@100", out.get(i).key);
            assertEquals(
                    i % 2 == 0 ? FidWindowKind.ALL : FidWindowKind.ROLLING,
                    report.getWindow().getKind());
            assertEquals(expectedCounts[i], report.getNumSamples());
            assertEquals(i % 2 == 0 ? expectedCounts[i] : 8, report.getWindow().getSize());
            assertEquals(extractor.id(), report.getFeatureExtractorId());
            assertEquals(reference.id(), report.getReferenceStatsId());
            assertEquals(1, report.getNetworkEvaluations());
            double expected = directFid(sent.subList(expectedRanges[i][0], expectedRanges[i][1]));
            assertEquals(expected, report.getFid(), 1e-9 * Math.max(1, expected), "report " + i);
        }
        assertEquals(15, counters.samples());
        assertEquals(0, counters.rejected());
        assertTrue(errors.isEmpty());
    }

    @Test
    void neverPoolsStepsPurposesOrVersions() {
        Random random = new Random(9);
        ModelVersion v1 = TestResults.version("run-b", 1);
        ModelVersion v2 = TestResults.version("run-b", 2);
        List<byte[]> oneStep = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            List<byte[]> a = TestResults.images(random, 2);
            oneStep.addAll(a);
            send("a" + r, TestResults.result("a" + r, v1, 1, TrafficPurpose.USER, a, ImageFormat.RAW_UINT8));
            send(
                    "b" + r,
                    TestResults.result(
                            "b" + r, v1, 2, TrafficPurpose.USER, TestResults.images(random, 1), ImageFormat.RAW_UINT8));
            send(
                    "c" + r,
                    TestResults.result(
                            "c" + r,
                            v1,
                            1,
                            TrafficPurpose.EVALUATION,
                            TestResults.images(random, 1),
                            ImageFormat.RAW_UINT8));
            send(
                    "d" + r,
                    TestResults.result(
                            "d" + r, v2, 1, TrafficPurpose.USER, TestResults.images(random, 1), ImageFormat.RAW_UINT8));
        }
        List<FidReport> all = reports.readValuesToList().stream()
                .filter(r -> r.getWindow().getKind() == FidWindowKind.ALL)
                .toList();
        // 8 one-step user samples of v1 (two reports); 4 each in the three other groups (one report each).
        assertEquals(5, all.size());
        List<FidReport> v1User1 = all.stream()
                .filter(r -> r.getModelVersion().getStep() == 1
                        && r.getNetworkEvaluations() == 1
                        && r.getPurpose() == TrafficPurpose.USER)
                .toList();
        assertEquals(
                List.of(4L, 8L), v1User1.stream().map(FidReport::getNumSamples).toList());
        assertEquals(
                directFid(oneStep),
                v1User1.get(1).getFid(),
                1e-9 * Math.max(1, v1User1.get(1).getFid()));
        assertEquals(1, all.stream().filter(r -> r.getNetworkEvaluations() == 2).count());
        assertEquals(
                1,
                all.stream()
                        .filter(r -> r.getPurpose() == TrafficPurpose.EVALUATION)
                        .count());
        assertEquals(
                1, all.stream().filter(r -> r.getModelVersion().getStep() == 2).count());
    }

    @Test
    void undecodableRecordsGoToTheErrorTopicAndAreCounted() {
        ModelVersion version = TestResults.version("run-c", 7);
        Random random = new Random(3);
        results.pipeInput("garbage", "not avro at all".getBytes());
        GenerationResult badPng = TestResults.result(
                "bad-png", version, 1, TrafficPurpose.USER, TestResults.images(random, 2), ImageFormat.PNG);
        badPng.getImages().set(1, ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}));
        send("bad-png", badPng);
        GenerationResult wrongShape = TestResults.result(
                "wrong-shape", version, 1, TrafficPurpose.USER, TestResults.images(random, 2), ImageFormat.RAW_UINT8);
        wrongShape.setHeight(9);
        send("wrong-shape", wrongShape);
        results.pipeInput("null-value", (byte[]) null);
        List<byte[]> good = TestResults.images(random, 4);
        send("good", TestResults.result("good", version, 1, TrafficPurpose.USER, good, ImageFormat.PNG));

        List<KeyValue<String, GenerationError>> errorRecords = errors.readKeyValuesToList();
        assertEquals(4, errorRecords.size());
        Map<String, GenerationError> byKey = new java.util.HashMap<>();
        errorRecords.forEach(kv -> byKey.put(kv.key, kv.value));
        assertEquals(ErrorCode.UNDECODABLE, byKey.get("garbage").getCode());
        assertEquals("evaluator", byKey.get("garbage").getComponent());
        assertEquals("results", byKey.get("garbage").getSourceTopic());
        assertEquals(
                ByteBuffer.wrap("not avro at all".getBytes()),
                byKey.get("garbage").getOriginalBytes());
        assertNull(byKey.get("null-value").getOriginalBytes());
        GenerationError pngError = errorRecords.stream()
                .map(kv -> kv.value)
                .filter(e -> "bad-png".equals(e.getRequestId()))
                .findFirst()
                .orElseThrow();
        assertTrue(pngError.getReason().contains("PNG"), pngError.getReason());
        GenerationError shapeError = errorRecords.stream()
                .map(kv -> kv.value)
                .filter(e -> "wrong-shape".equals(e.getRequestId()))
                .findFirst()
                .orElseThrow();
        assertTrue(shapeError.getReason().contains("1x9x8"), shapeError.getReason());
        assertEquals(2, counters.undecodableRecords());
        assertEquals(2, counters.unusableImages());

        // The rejected records counted no samples: the one report covers the 4 good images only.
        List<FidReport> out = reports.readValuesToList();
        assertEquals(2, out.size());
        assertEquals(4, out.get(0).getNumSamples());
        assertEquals(
                directFid(good),
                out.get(0).getFid(),
                1e-9 * Math.max(1, out.get(0).getFid()));
    }

    @Test
    void reportsSayHowManyImagesTheCheckpointHadSeen() {
        TestInputTopic<String, byte[]> checkpoints =
                driver.createInputTopic("checkpoints", new StringSerializer(), new ByteArraySerializer());
        checkpoints.pipeInput("run-d", "not a checkpoint event".getBytes());
        checkpoints.pipeInput(
                "run-d",
                AvroSerdes.checkpointEvent()
                        .serializer()
                        .serialize("checkpoints", TestResults.checkpoint("run-d", 30, 61_440)));
        checkpoints.pipeInput(
                "run-d",
                AvroSerdes.checkpointEvent()
                        .serializer()
                        .serialize("checkpoints", TestResults.checkpoint("run-d", 40, 81_920)));
        Random random = new Random(1);
        send(
                "seen",
                TestResults.result(
                        "seen",
                        TestResults.version("run-d", 30),
                        1,
                        TrafficPurpose.USER,
                        TestResults.images(random, 4),
                        ImageFormat.RAW_UINT8));
        send(
                "unseen",
                TestResults.result(
                        "unseen",
                        TestResults.version("run-d", 50),
                        1,
                        TrafficPurpose.USER,
                        TestResults.images(random, 4),
                        ImageFormat.RAW_UINT8));
        List<FidReport> out = reports.readValuesToList();
        assertEquals(4, out.size());
        assertEquals(61_440L, out.get(0).getImagesSeen());
        assertNull(out.get(2).getImagesSeen(), "no checkpoint event for step 50");
    }

    @Test
    void eachChunkOfARequestCountsOncePerGroupHoweverOftenItIsDelivered() {
        ModelVersion version = TestResults.version("run-e", 3);
        Random random = new Random(11);
        List<byte[]> counted = new ArrayList<>();
        GenerationResult first = chunk("eval-1", 0, version, TrafficPurpose.EVALUATION, TestResults.images(random, 2));
        counted.addAll(images(first));
        send("eval-1", first);
        send("eval-1", first); // redelivered at once
        GenerationResult second = chunk("eval-2", 0, version, TrafficPurpose.EVALUATION, TestResults.images(random, 2));
        counted.addAll(images(second));
        send("eval-2", second);
        send("eval-1", first); // redelivered after other results
        // The same request's next chunk is new; the same id and chunk in another group (a user's copy) is too.
        GenerationResult nextChunk =
                chunk("eval-1", 1, version, TrafficPurpose.EVALUATION, TestResults.images(random, 2));
        counted.addAll(images(nextChunk));
        send("eval-1", nextChunk);
        send("eval-1", chunk("eval-1", 0, version, TrafficPurpose.USER, TestResults.images(random, 2)));
        send("eval-2", second);
        GenerationResult third = chunk("eval-3", 0, version, TrafficPurpose.EVALUATION, TestResults.images(random, 2));
        counted.addAll(images(third));
        send("eval-3", third);
        send("eval-1", nextChunk);

        List<FidReport> evaluation = reports.readValuesToList().stream()
                .filter(r ->
                        r.getWindow().getKind() == FidWindowKind.ALL && r.getPurpose() == TrafficPurpose.EVALUATION)
                .toList();
        assertEquals(
                List.of(4L, 8L),
                evaluation.stream().map(FidReport::getNumSamples).toList());
        assertEquals(
                directFid(counted),
                evaluation.get(1).getFid(),
                1e-9 * Math.max(1, evaluation.get(1).getFid()));
        assertEquals(10, counters.samples(), "8 evaluation samples and the user's 2");
        assertEquals(4, counters.duplicates());
        assertTrue(errors.isEmpty());
    }

    @Test
    void unreadableMomentsStateRestartsThatEntryWithAnErrorRecordAndTheGroupGoesOn() {
        ModelVersion version = TestResults.version("run-f", 5);
        Random random = new Random(13);
        GenerationResult before = TestResults.result(
                "f-0", version, 1, TrafficPurpose.EVALUATION, TestResults.images(random, 2), ImageFormat.RAW_UINT8);
        send("f-0", before);
        // What a foreign record in the moments changelog becomes after a restore: bytes that are not moments.
        String current = AccumulateMoments.currentKey(SampleGroup.of(before).key());
        rawMomentsStore()
                .put(
                        Bytes.wrap(current.getBytes(StandardCharsets.UTF_8)),
                        "not moments".getBytes(StandardCharsets.UTF_8));

        List<byte[]> after = TestResults.images(random, 4);
        send("f-1", TestResults.result("f-1", version, 1, TrafficPurpose.EVALUATION, after, ImageFormat.RAW_UINT8));

        List<KeyValue<String, GenerationError>> errorRecords = errors.readKeyValuesToList();
        assertEquals(1, errorRecords.size());
        GenerationError error = errorRecords.get(0).value;
        assertEquals(ErrorCode.INTERNAL, error.getCode());
        assertEquals("evaluator", error.getComponent());
        assertTrue(
                error.getReason().contains(current) && error.getReason().contains("started again from empty"),
                error.getReason());
        assertEquals(1, counters.unreadableState());
        List<FidReport> out = reports.readValuesToList();
        assertEquals(2, out.size(), "the group still reports: " + out);
        assertEquals(4, out.get(0).getNumSamples());
        assertEquals(
                directFid(after),
                out.get(0).getFid(),
                1e-9 * Math.max(1, out.get(0).getFid()));
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> rawMomentsStore() {
        KeyValueStore<String, Moments> typed = driver.getKeyValueStore(FidTopology.MOMENTS_STORE);
        return (KeyValueStore<Bytes, byte[]>) ((WrappedStateStore<?, ?, ?>) typed).wrapped();
    }

    private static GenerationResult chunk(
            String requestId, int index, ModelVersion version, TrafficPurpose purpose, List<byte[]> images) {
        GenerationResult result = TestResults.result(requestId, version, 1, purpose, images, ImageFormat.RAW_UINT8);
        result.setChunkIndex(index);
        result.setChunkCount(2);
        return result;
    }

    private static List<byte[]> images(GenerationResult result) {
        return result.getImages().stream()
                .map(b -> {
                    byte[] out = new byte[b.remaining()];
                    b.duplicate().get(out);
                    return out;
                })
                .toList();
    }

    private void send(String key, GenerationResult result) {
        results.pipeInput(key, AvroSerdes.generationResult().serializer().serialize("results", result));
    }

    private double directFid(List<byte[]> images) {
        Moments moments = new Moments(extractor.dimension());
        moments.addAll(extractor.extract(ImageBatch.of(TestResults.SHAPE, images)));
        return new FrechetDistance(reference.statistics()).distance(GaussianStatistics.of(moments));
    }
}
