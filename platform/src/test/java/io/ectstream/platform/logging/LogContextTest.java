package io.ectstream.platform.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {
    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void fieldsLastAsLongAsTheContextAndTheOuterOnesComeBack() {
        try (LogContext outer = LogContext.of("runId", "run-a", "step", "7")) {
            try (LogContext inner = LogContext.of("requestId", "r-1", "step", "8", "checkpoint", null)) {
                assertEquals(Map.of("runId", "run-a", "step", "8", "requestId", "r-1"), MDC.getCopyOfContextMap());
            }
            assertEquals(Map.of("runId", "run-a", "step", "7"), MDC.getCopyOfContextMap());
        }
        assertNull(MDC.get("runId"));
        assertNull(MDC.get("requestId"));
    }

    @Test
    void keysAndValuesComeInPairs() {
        assertThrows(IllegalArgumentException.class, () -> LogContext.of("requestId"));
    }
}
