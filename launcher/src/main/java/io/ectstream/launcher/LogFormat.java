package io.ectstream.launcher;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/**
 * How the command logs: {@code text}, one line per event ("HH:mm:ss.SSS LEVEL Logger - message"), or {@code json},
 * one JSON object per line with the MDC fields (requestId, runId, step, ...). The launcher's logback.xml picks its
 * appender from the system property {@value #PROPERTY}, else ECTSTREAM_LOG_FORMAT, at the first log line; the
 * {@code --log-format} option reloads it when it asks for another format.
 */
public enum LogFormat {
    text,
    json;

    static final String PROPERTY = "ectstream.log.format";
    private static final String CONFIGURATION = "/logback.xml";

    /** The format the configuration picked, or picks on its next load. */
    static LogFormat current() {
        String chosen = System.getProperty(PROPERTY, System.getenv().getOrDefault("ECTSTREAM_LOG_FORMAT", "text"));
        try {
            return valueOf(chosen);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** Logs in this format from now on: reloads the launcher's logback.xml when the format changes. */
    void use() {
        if (this == current()) {
            return;
        }
        System.setProperty(PROPERTY, name());
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogFormat.class.getResource(CONFIGURATION));
        } catch (JoranException e) {
            throw new IllegalStateException("the logging configuration " + CONFIGURATION + " does not load", e);
        }
    }
}
