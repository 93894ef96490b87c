package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * d = 2048: one block of moments is 8 (2048 + 2048 * 2049 / 2) bytes, about 16.8 MB, well above Kafka's
 * default 1 MB record limit. The state goes through the changelog topic and comes back on a machine
 * without local state.
 */
@BrokerTest
class LargeFeatureStateTest {
    private static final int D = 2048;

    @Test
    void momentsOf2048FeaturesSurviveTheChangelogAndARestoreFromIt(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String results = "large-results";
        kafka.createTopics(1, results, "large-fid", "large-errors");
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(TestResults.SHAPE, D, 23);
        ReferenceStatistics reference = ReferenceStatsBuilder.compute(
                new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(6), 4)), extractor, 4);
        ModelVersion version = TestResults.version("run-large", 3);
        Random random = new Random(12);
        List<byte[]> first = TestResults.images(random, 6);
        List<byte[]> second = TestResults.images(random, 2);
        String changelog = "large-d-" + FidTopology.MOMENTS_STORE + "-changelog";
        String blockKey = AccumulateMoments.currentKey(
                SampleGroup.of(TestResults.result("x", version, 1, TrafficPurpose.USER, first, ImageFormat.RAW_UINT8))
                        .key());

        try (EvaluatorApp app =
                EvaluatorApp.start(config(kafka, dir.resolve("state-1"), results), extractor, reference)) {
            BrokerClients.send(kafka, results, records("first", version, first), List.of());
            ConsumerRecord<String, byte[]> stored = latestWithCount(kafka, changelog, blockKey, 6);
            assertTrue(stored.value().length > 16_000_000, "a 2048-d block is " + stored.value().length + " bytes");
            assertMomentsOf(first, extractor, MomentsSerde.fromBytes(stored.value()));
        }
        try (EvaluatorApp app =
                EvaluatorApp.start(config(kafka, dir.resolve("state-2"), results), extractor, reference)) {
            BrokerClients.send(kafka, results, records("second", version, second), List.of());
            List<byte[]> all = new ArrayList<>(first);
            all.addAll(second);
            assertMomentsOf(
                    all,
                    extractor,
                    MomentsSerde.fromBytes(
                            latestWithCount(kafka, changelog, blockKey, 8).value()));
            assertEquals(2, app.counters().samples());
        }
    }

    private static EvaluatorConfig config(KafkaCluster kafka, Path stateDir, String results) {
        return Configs.config(
                "large-d",
                kafka.bootstrapServers(),
                stateDir,
                new ReportSchedule(1000, 0),
                results,
                "large-fid",
                "large-errors");
    }

    private static ConsumerRecord<String, byte[]> latestWithCount(
            KafkaCluster kafka, String changelog, String key, long count) {
        List<ConsumerRecord<String, byte[]>> records = BrokerClients.readUntil(
                kafka,
                changelog,
                list -> list.stream()
                        .anyMatch(r -> r.key().equals(key)
                                && MomentsSerde.fromBytes(r.value()).count() == count),
                Duration.ofSeconds(90));
        return records.stream()
                .filter(r ->
                        r.key().equals(key) && MomentsSerde.fromBytes(r.value()).count() == count)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no moments with n = " + count + " in " + changelog));
    }

    private static void assertMomentsOf(List<byte[]> images, RandomProjectionExtractor extractor, Moments stored) {
        Moments expected = new Moments(D);
        expected.addAll(extractor.extract(ImageBatch.of(TestResults.SHAPE, images)));
        assertEquals(D, stored.dimension());
        assertEquals(expected.count(), stored.count());
        assertArrayEquals(expected.sums(), stored.sums(), 1e-9);
        double[] e = expected.outerSums();
        double[] s = stored.outerSums();
        for (int p = 0; p < e.length; p += 997) {
            assertEquals(e[p], s[p], 1e-9 * Math.max(1, Math.abs(e[p])), "outer product sum " + p);
        }
        assertEquals(e[e.length - 1], s[s.length - 1], 1e-9 * Math.max(1, Math.abs(e[e.length - 1])));
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
}
