package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ectstream.evaluator.LogFields;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The evaluator's FID lines carry the checkpoint and the sample group as log fields (JSON log format). */
class FidLogFieldsTest {
    @TempDir
    Path stateDir;

    @Test
    void everyFidLineNamesItsCheckpointAndSampleGroup() {
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(TestResults.SHAPE, 6, 42);
        ReferenceStatistics reference = ReferenceStatsBuilder.compute(
                new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(1), 200)),
                extractor,
                64);
        EvaluatorConfig config = Configs.config("log-fields", "unused:9092", stateDir, new ReportSchedule(4, 8));
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
        Logger accumulateLog = (Logger) LoggerFactory.getLogger(AccumulateMoments.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        captured.start();
        accumulateLog.addAppender(captured);
        ModelVersion version = TestResults.version("run-a", 100);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                FidTopology.buildTopology(config, extractor, reference, new EvaluatorCounters(), clock),
                StreamsSettings.properties(config))) {
            TestInputTopic<String, byte[]> results = driver.createInputTopic(
                    config.topics().results(), new StringSerializer(), new ByteArraySerializer());
            results.pipeInput(
                    "req-1",
                    AvroSerdes.generationResult()
                            .serializer()
                            .serialize(
                                    "results",
                                    TestResults.result(
                                            "req-1",
                                            version,
                                            1,
                                            TrafficPurpose.USER,
                                            TestResults.images(new Random(5), 4),
                                            ImageFormat.PNG)));
        } finally {
            accumulateLog.detachAppender(captured);
        }
        List<ILoggingEvent> fidLines = captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("FID "))
                .toList();
        assertEquals(2, fidLines.size(), captured.list.toString()); // 4 samples: over all, and the rolling window
        String group = SampleGroup.of(
                        TestResults.result("req-1", version, 1, TrafficPurpose.USER, List.of(), ImageFormat.PNG))
                .key();
        for (ILoggingEvent line : fidLines) {
            assertEquals(
                    Map.of(LogFields.CHECKPOINT, "run-a@100", LogFields.SAMPLE_GROUP, group),
                    line.getMDCPropertyMap(),
                    line.getFormattedMessage());
            assertTrue(line.getFormattedMessage().contains("run-a@100"));
        }
    }
}
