package io.ectstream.platform.logging;

import java.util.Map;
import org.slf4j.MDC;

/**
 * Fields every log line of this thread carries while the context is open (SLF4J's MDC: requestId, runId, step,
 * checkpoint, ...), printed by the JSON log format. Closing it restores the fields that were there before.
 * <pre>{@code try (LogContext ignored = LogContext.of("requestId", id)) { log.info(...); }}</pre>
 */
public final class LogContext implements AutoCloseable {
    private final Map<String, String> previous;

    private LogContext(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs");
        }
        previous = MDC.getCopyOfContextMap();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                MDC.put(keyValues[i], keyValues[i + 1]);
            }
        }
    }

    /** Key, value, key, value...; a null value leaves its key out. */
    public static LogContext of(String... keyValues) {
        return new LogContext(keyValues);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
    }
}
