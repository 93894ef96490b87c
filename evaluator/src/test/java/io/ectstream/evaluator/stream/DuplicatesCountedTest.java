package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.platform.ops.ServiceMetrics;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Issue 32: 200 redeliveries of one result are one INFO line and a duplicates counter on /metrics, not 200 lines. */
class DuplicatesCountedTest {
    @TempDir
    Path stateDir;

    @Test
    void theFirstDuplicateIsToldTheRestAreCountedOnMetrics() {
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(TestResults.SHAPE, 6, 42);
        ReferenceStatistics reference = ReferenceStatsBuilder.compute(
                new InMemoryImages("reference", TestResults.SHAPE, TestResults.images(new Random(1), 200)),
                extractor,
                64);
        EvaluatorConfig config = Configs.config("dups", "unused:9092", stateDir, new ReportSchedule(4, 0));
        EvaluatorCounters counters = new EvaluatorCounters();
        Logger chunkLog = (Logger) LoggerFactory.getLogger(CountEachChunkOnce.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        captured.start();
        chunkLog.addAppender(captured);
        byte[] result = AvroSerdes.generationResult()
                .serializer()
                .serialize(
                        "results",
                        TestResults.result(
                                "req-1",
                                TestResults.version("run-d", 3),
                                1,
                                TrafficPurpose.USER,
                                TestResults.images(new Random(5), 2),
                                ImageFormat.RAW_UINT8));
        try (ServiceMetrics metrics = new ServiceMetrics();
                TopologyTestDriver driver = new TopologyTestDriver(
                        FidTopology.buildTopology(config, extractor, reference, counters, Clock.systemUTC()),
                        StreamsSettings.properties(config))) {
            counters.bindTo(metrics.registry());
            TestInputTopic<String, byte[]> results = driver.createInputTopic(
                    config.topics().results(), new StringSerializer(), new ByteArraySerializer());
            for (int i = 0; i < 201; i++) {
                results.pipeInput("req-1", result);
            }
            assertEquals(200, counters.duplicates());
            assertEquals(2, counters.samples(), "counted once");
            assertTrue(metrics.scrape().contains("ect_evaluator_duplicates_total 200.0"), metrics.scrape());
        } finally {
            chunkLog.detachAppender(captured);
        }
        long infoLines = captured.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .count();
        assertEquals(1, infoLines, captured.list.toString());
    }
}
