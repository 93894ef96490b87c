package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ectstream.evaluator.mirror.JsonMirror;
import io.ectstream.platform.kafka.KafkaClientSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The evaluator's Streams settings start without a configuration warning and neither do the JSON mirror's (the demo printed one per Streams app). */
class StreamsSettingsWarningsTest {
    @TempDir
    Path dir;

    @Test
    void streamsConfigHasNothingToWarnAbout() {
        assertEquals(
                List.of(),
                warnings(StreamsSettings.properties(
                        Configs.config("warnings", "localhost:9092", dir, new ReportSchedule(10, 0)))));
    }

    @Test
    void theJsonMirrorsStreamsConfigHasNothingToWarnAboutEither() {
        assertEquals(
                List.of(),
                warnings(JsonMirror.properties(KafkaClientSettings.of("localhost:9092"), "mirror", dir.resolve("m"))));
    }

    /**
     * What StreamsConfig logs at WARN or above for these properties, and for the settings of the main consumer, from
     * which Streams' partition assignor builds a StreamsConfig of its own at every start.
     */
    private static List<String> warnings(Properties properties) {
        Logger streamsConfigLog = (Logger) LoggerFactory.getLogger(StreamsConfig.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        captured.start();
        streamsConfigLog.addAppender(captured);
        try {
            StreamsConfig config = new StreamsConfig(properties);
            new StreamsConfig(config.getMainConsumerConfigs("group", "client", 0));
        } finally {
            streamsConfigLog.detachAppender(captured);
        }
        return captured.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
