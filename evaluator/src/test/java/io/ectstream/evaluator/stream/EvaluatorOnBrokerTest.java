package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator against a real KRaft broker: end to end, restart without double counting. */
@BrokerTest
class EvaluatorOnBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final RandomProjectionExtractor extractor = new RandomProjectionExtractor(TestResults.SHAPE, 6, 17);
    private final ReferenceStatistics reference = ReferenceStatsBuilder.compute(
            new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(2), 300)), extractor, 100);

    @Test
    void scoresResultsAndRoutesUndecodableRecords(KafkaCluster kafka, @TempDir Path stateDir) throws Exception {
        String results = "e2e-results";
        String fid = "e2e-fid";
        String errors = "e2e-errors";
        String checkpoints = "e2e-checkpoints";
        kafka.createTopics(2, results, fid, errors, checkpoints);
        EvaluatorConfig config = Configs.withCheckpoints(
                Configs.config(
                        "e2e-evaluator",
                        kafka.bootstrapServers(),
                        stateDir,
                        new ReportSchedule(4, 0),
                        results,
                        fid,
                        errors),
                checkpoints);
        // Published before the start: the global store loads it while restoring, through RecordImagesSeen.
        sendCheckpoint(kafka, checkpoints, TestResults.checkpoint("run-e2e", 5, 10_240));
        ModelVersion version = TestResults.version("run-e2e", 5);
        Random random = new Random(4);
        List<byte[]> images = TestResults.images(random, 8);
        List<GenerationResult> records = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            records.add(TestResults.result(
                    "e2e-" + r,
                    version,
                    2,
                    TrafficPurpose.EVALUATION,
                    images.subList(2 * r, 2 * r + 2),
                    ImageFormat.PNG));
        }
        try (EvaluatorApp app = EvaluatorApp.start(config, extractor, reference)) {
            BrokerClients.send(kafka, results, records, List.of(new byte[] {1, 2, 3}, "junk".getBytes()));
            List<FidReport> reports = reports(kafka, fid, 2);
            List<ConsumerRecord<String, byte[]>> errorRecords =
                    BrokerClients.readUntil(kafka, errors, l -> l.size() >= 2, WAIT);

            assertEquals(
                    List.of(4L, 8L),
                    reports.stream().map(FidReport::getNumSamples).toList());
            FidReport last = reports.get(1);
            assertEquals(FidWindowKind.ALL, last.getWindow().getKind());
            assertEquals(TrafficPurpose.EVALUATION, last.getPurpose());
            assertEquals(2, last.getNetworkEvaluations());
            assertEquals(directFid(images), last.getFid(), 1e-9 * Math.max(1, last.getFid()));
            assertEquals(10_240L, last.getImagesSeen());
            assertEquals(2, errorRecords.size());
            for (ConsumerRecord<String, byte[]> record : errorRecords) {
                GenerationError error =
                        AvroSerdes.generationError().deserializer().deserialize(errors, record.value());
                assertEquals(results, error.getSourceTopic());
            }
            assertEquals(2, app.counters().undecodableRecords());
        }
    }

    @Test
    void restartResumesFromTheStateWithoutCountingASampleTwice(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String results = "restart-results";
        String fid = "restart-fid";
        String errors = "restart-errors";
        kafka.createTopics(2, results, fid, errors);
        ModelVersion version = TestResults.version("run-restart", 9);
        Random random = new Random(8);
        List<byte[]> first = TestResults.images(random, 12);
        List<byte[]> second = TestResults.images(random, 8);

        try (EvaluatorApp app =
                EvaluatorApp.start(config(kafka, dir.resolve("state-1"), results, fid, errors), extractor, reference)) {
            BrokerClients.send(kafka, results, records("first", version, first), List.of());
            assertEquals(List.of(4L, 8L, 12L), allReportCounts(reports(kafka, fid, 6)));
        }
        // A new machine: no local state, everything comes back from the changelog and the committed offsets.
        try (EvaluatorApp app =
                EvaluatorApp.start(config(kafka, dir.resolve("state-2"), results, fid, errors), extractor, reference)) {
            BrokerClients.send(kafka, results, records("second", version, second), List.of());
            reports(kafka, fid, 10);
            List<FidReport> withMarker = reportsThroughMarker(kafka, results, fid, version, random, 24);
            List<FidReport> reports = withMarker.subList(0, withMarker.size() - 1);
            assertEquals(List.of(4L, 8L, 12L, 16L, 20L), allReportCounts(reports));
            assertEquals(10, reports.size(), "no report is repeated");
            List<byte[]> everything = new ArrayList<>(first);
            everything.addAll(second);
            FidReport all = reports.stream()
                    .filter(r -> r.getWindow().getKind() == FidWindowKind.ALL && r.getNumSamples() == 20)
                    .findFirst()
                    .orElseThrow();
            assertEquals(directFid(everything), all.getFid(), 1e-9 * Math.max(1, all.getFid()));
            FidReport rolling = reports.get(reports.size() - 1);
            assertEquals(FidWindowKind.ROLLING, rolling.getWindow().getKind());
            assertEquals(8, rolling.getNumSamples());
            assertEquals(directFid(second), rolling.getFid(), 1e-9 * Math.max(1, rolling.getFid()));
            assertEquals(
                    8 + 4,
                    app.counters().samples(),
                    "the second instance processed only the new samples (and the marker)");
        }
        assertTrue(Files.exists(dir.resolve("state-2")));
    }

    @Test
    void aThreadThatDiesMidTransactionIsReplacedAndItsWorkIsCountedOnce(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String results = "crash-results";
        String fid = "crash-fid";
        String errors = "crash-errors";
        kafka.createTopics(1, results, fid, errors);
        ModelVersion version = TestResults.version("run-crash", 4);
        List<byte[]> images = TestResults.images(new Random(31), 12);
        BrokerClients.send(kafka, results, records("crash", version, images), List.of());
        // Commits every 3 s: the crash (5th batch, after the reports at 4 and 8 samples were sent inside the
        // open transaction) comes before the first commit, so that transaction is aborted and all is redone.
        EvaluatorConfig base = Configs.config(
                "crash-evaluator", kafka.bootstrapServers(), dir, new ReportSchedule(4, 0), results, fid, errors);
        java.util.Map<String, String> overrides =
                new java.util.HashMap<>(base.streams().overrides());
        overrides.put("commit.interval.ms", "3000");
        EvaluatorConfig config = base.withStreams(base.streams().withOverrides(overrides));
        try (CrashingExtractor crashing = new CrashingExtractor(extractor, 5);
                EvaluatorApp app = EvaluatorApp.start(config, crashing, reference)) {
            reports(kafka, fid, 3);
            List<FidReport> reports = reportsThroughMarker(kafka, results, fid, version, new Random(32), 16);
            assertTrue(crashing.crashed(), "the extractor crashed the stream thread once");
            assertEquals(
                    List.of(4L, 8L, 12L, 16L),
                    allReportCounts(reports),
                    "the aborted reports are not read, none twice");
            assertEquals(
                    directFid(images),
                    reports.get(2).getFid(),
                    1e-9 * Math.max(1, reports.get(2).getFid()));
            assertTrue(
                    app.counters().samples() > 12 + 4,
                    "the aborted work was done again: " + app.counters().samples());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void resultsDeliveredTwiceAreCountedOnce(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String results = "twice-results";
        String fid = "twice-fid";
        String errors = "twice-errors";
        kafka.createTopics(2, results, fid, errors);
        ModelVersion version = TestResults.version("run-twice", 3);
        List<byte[]> images = TestResults.images(new Random(21), 20);
        List<GenerationResult> records = new ArrayList<>();
        for (int i = 0; i < images.size(); i += 2) {
            records.add(TestResults.result(
                    "eval:run-twice@3:ect1:" + i + ":n",
                    version,
                    1,
                    TrafficPurpose.EVALUATION,
                    images.subList(i, i + 2),
                    ImageFormat.RAW_UINT8));
        }
        EvaluatorConfig config = Configs.config(
                "twice-evaluator", kafka.bootstrapServers(), dir, new ReportSchedule(4, 0), results, fid, errors);
        try (EvaluatorApp app = EvaluatorApp.start(config, extractor, reference)) {
            // What a rebalance or a restart of the sampler does: every answer produced again.
            BrokerClients.send(kafka, results, records, List.of());
            BrokerClients.send(kafka, results, records, List.of());
            EvaluatorCounters counters = app.counters();
            Await.until(
                    () -> counters.samples() / 2 + counters.duplicates() >= 2L * records.size(),
                    WAIT,
                    "counters.samples() / 2 + counters.duplicates() >= 2L * records.size()");
            assertEquals(images.size(), counters.samples(), "each distinct image counted once");
            assertEquals(records.size(), counters.duplicates());
            assertEquals(5, counters.reports());
            List<FidReport> reports = reports(kafka, fid, 5);
            assertEquals(List.of(4L, 8L, 12L, 16L, 20L), allReportCounts(reports));
            assertEquals(
                    directFid(images),
                    reports.get(4).getFid(),
                    1e-9 * Math.max(1, reports.get(4).getFid()));
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aForeignRecordInTheMomentsChangelogCostsThatBlockNotTheGroup(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String results = "poison-results";
        String fid = "poison-fid";
        String errors = "poison-errors";
        kafka.createTopics(1, results, fid, errors);
        ModelVersion version = TestResults.version("run-poison", 6);
        Random random = new Random(41);
        EvaluatorConfig first = Configs.config(
                "poison-evaluator",
                kafka.bootstrapServers(),
                dir.resolve("state-1"),
                new ReportSchedule(4, 0),
                results,
                fid,
                errors);
        GenerationResult before = TestResults.result(
                "poison-0",
                version,
                1,
                TrafficPurpose.EVALUATION,
                TestResults.images(random, 2),
                ImageFormat.RAW_UINT8);
        try (EvaluatorApp app = EvaluatorApp.start(first, extractor, reference)) {
            BrokerClients.send(kafka, results, List.of(before), List.of());
            Await.until(() -> app.counters().samples() == 2, WAIT, "app.counters().samples() == 2");
        }
        // Issue 16 finding 1: a client made the sampler write a reply into the changelog under the group's key.
        String current = AccumulateMoments.currentKey(SampleGroup.of(before).key());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                java.util.Map.<String, Object>of(
                        org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            "poison-evaluator-moments-changelog", current, "not a moments record".getBytes()))
                    .get();
        }
        List<byte[]> after = TestResults.images(random, 4);
        EvaluatorConfig restarted = Configs.config(
                "poison-evaluator",
                kafka.bootstrapServers(),
                dir.resolve("state-2"),
                new ReportSchedule(4, 0),
                results,
                fid,
                errors);
        try (EvaluatorApp app = EvaluatorApp.start(restarted, extractor, reference)) {
            BrokerClients.send(
                    kafka,
                    results,
                    List.of(TestResults.result(
                            "poison-1", version, 1, TrafficPurpose.EVALUATION, after, ImageFormat.RAW_UINT8)),
                    List.of());
            List<FidReport> reports = reports(kafka, fid, 1);
            assertEquals(
                    List.of(4L),
                    allReportCounts(reports),
                    "the group reports again, over the samples after the damage");
            assertEquals(
                    directFid(after),
                    reports.get(0).getFid(),
                    1e-9 * Math.max(1, reports.get(0).getFid()));
            assertEquals(1, app.counters().unreadableState());
            GenerationError error = AvroSerdes.generationError()
                    .deserializer()
                    .deserialize(
                            errors,
                            BrokerClients.readUntil(kafka, errors, l -> !l.isEmpty(), WAIT)
                                    .get(0)
                                    .value());
            assertEquals(io.ectstream.schemas.ErrorCode.INTERNAL, error.getCode());
            assertTrue(error.getReason().contains(current), error.getReason());
        }
    }

    /** Throws an Error (not bad input: a dying thread) on its n-th batch, once. */
    private static final class CrashingExtractor implements io.ectstream.evaluator.features.FeatureExtractor {
        private final io.ectstream.evaluator.features.FeatureExtractor inner;
        private final int crashAt;
        private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        CrashingExtractor(io.ectstream.evaluator.features.FeatureExtractor inner, int crashAt) {
            this.inner = inner;
            this.crashAt = crashAt;
        }

        boolean crashed() {
            return calls.get() > crashAt;
        }

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public float[][] extract(ImageBatch batch) {
            if (calls.incrementAndGet() == crashAt) {
                throw new SimulatedCrash();
            }
            return inner.extract(batch);
        }
    }

    private static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash of the stream thread");
        }
    }

    private static void sendCheckpoint(KafkaCluster kafka, String topic, io.ectstream.schemas.CheckpointEvent event) {
        java.util.Map<String, Object> props = java.util.Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                AvroSerdes.checkpointEvent().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, event.getRunId(), event));
            producer.flush();
        }
    }

    private EvaluatorConfig config(KafkaCluster kafka, Path stateDir, String results, String fid, String errors) {
        return Configs.config(
                "restart-evaluator",
                kafka.bootstrapServers(),
                stateDir,
                new ReportSchedule(4, 8),
                results,
                fid,
                errors);
    }

    private static List<GenerationResult> records(String prefix, ModelVersion version, List<byte[]> images) {
        List<GenerationResult> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i += 2) {
            out.add(TestResults.result(
                    prefix + "-" + i,
                    version,
                    1,
                    TrafficPurpose.USER,
                    images.subList(i, i + 2),
                    ImageFormat.RAW_UINT8));
        }
        return out;
    }

    private static List<FidReport> reports(KafkaCluster kafka, String topic, int expected) {
        return BrokerClients.readUntil(kafka, topic, l -> l.size() >= expected, WAIT).stream()
                .map(r -> AvroSerdes.fidReport().deserializer().deserialize(topic, r.value()))
                .toList();
    }

    /**
     * "Nothing more arrives", without waiting on the clock: 4 more images of the same sample group are processed by the
     * same task after everything sent before them, so once the report of {@code markerCount} samples is there, every
     * report the earlier records caused is before it. Returns the reports up to and with the marker's.
     */
    private static List<FidReport> reportsThroughMarker(
            KafkaCluster kafka, String results, String fid, ModelVersion version, Random random, long markerCount) {
        BrokerClients.send(kafka, results, records("marker", version, TestResults.images(random, 4)), List.of());
        var deserializer = AvroSerdes.fidReport().deserializer();
        List<FidReport> reports = BrokerClients.readUntil(
                        kafka,
                        fid,
                        l -> l.stream()
                                .map(r -> deserializer.deserialize(fid, r.value()))
                                .anyMatch(r -> r.getWindow().getKind() == FidWindowKind.ALL
                                        && r.getNumSamples() == markerCount),
                        WAIT)
                .stream()
                .map(r -> deserializer.deserialize(fid, r.value()))
                .toList();
        int marker = reports.size() - 1;
        while (marker >= 0
                && !(reports.get(marker).getWindow().getKind() == FidWindowKind.ALL
                        && reports.get(marker).getNumSamples() == markerCount)) {
            marker--;
        }
        assertTrue(marker >= 0, "the marker's report never came: " + reports);
        return reports.subList(0, marker + 1);
    }

    private static List<Long> allReportCounts(List<FidReport> reports) {
        return reports.stream()
                .filter(r -> r.getWindow().getKind() == FidWindowKind.ALL)
                .map(FidReport::getNumSamples)
                .toList();
    }

    private double directFid(List<byte[]> images) {
        Moments moments = new Moments(extractor.dimension());
        moments.addAll(extractor.extract(ImageBatch.of(TestResults.SHAPE, images)));
        return new FrechetDistance(reference.statistics()).distance(GaussianStatistics.of(moments));
    }
}
