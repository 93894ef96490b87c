package io.ectstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.ectstream.platform.logging.LogContext;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The launcher's logback.xml: text lines by default, JSON lines with the MDC fields on --log-format / its variable. */
class LogFormatTest {
    private static final Logger log = LoggerFactory.getLogger(LogFormatTest.class);

    @AfterEach
    void backToTheTestConfiguration() throws Exception {
        System.clearProperty(LogFormat.PROPERTY);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void theVariableSwitchesToJsonLinesWithTheRequestId() {
        EctStream.commandLine(Map.of("ECTSTREAM_LOG_FORMAT", "json")).parseArgs("doctor");
        List<String> lines = logged(() -> {
            try (LogContext ignored = LogContext.of("requestId", "req-7", "runId", "run-a")) {
                log.info("request {} rejected", "req-7");
            }
        });
        assertEquals(1, lines.size(), lines.toString());
        JsonObject line = new JsonObject(lines.get(0));
        assertEquals("INFO", line.getString("level"));
        assertEquals(LogFormatTest.class.getName(), line.getString("loggerName"));
        assertEquals(Thread.currentThread().getName(), line.getString("threadName"));
        assertEquals("request req-7 rejected", line.getString("formattedMessage"));
        assertTrue(line.getLong("timestamp") > 0, line.encode());
        assertEquals(
                Map.of("requestId", "req-7", "runId", "run-a"),
                line.getJsonObject("mdc").getMap());
    }

    @Test
    void theOptionOfAnySubcommandSwitchesBackToTextLines() {
        EctStream.commandLine(Map.of()).parseArgs("doctor", "--log-format", "json");
        assertTrue(logged(() -> log.info("one")).get(0).startsWith("{"));

        EctStream.commandLine(Map.of("ECTSTREAM_LOG_FORMAT", "json")).parseArgs("--log-format", "text", "doctor");
        List<String> lines = logged(() -> log.warn("plain {}", 2));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN LogFormatTest - plain 2"), lines.get(0));
    }

    /** What the logging wrote on stderr meanwhile, by this class's logger. */
    private static List<String> logged(Runnable logging) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            logging.run();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("LogFormatTest"))
                .toList();
    }
}
