package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The evaluator's Streams settings start without a configuration warning (the demo printed one per Streams app). */
class StreamsSettingsWarningsTest {
    @TempDir
    Path dir;

    @Test
    void streamsConfigHasNothingToWarnAbout() {
        Logger streamsConfigLog = (Logger) LoggerFactory.getLogger(StreamsConfig.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        captured.start();
        streamsConfigLog.addAppender(captured);
        try {
            new StreamsConfig(StreamsSettings.properties(
                    Configs.config("warnings", "localhost:9092", dir, new ReportSchedule(10, 0))));
        } finally {
            streamsConfigLog.detachAppender(captured);
        }
        List<String> warnings = captured.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertEquals(List.of(), warnings);
    }
}
