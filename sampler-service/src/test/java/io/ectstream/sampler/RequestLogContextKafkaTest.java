package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.intake.RequestIntake;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** A request's log lines carry its requestId, runId and step as MDC fields, which the JSON log format prints. */
@BrokerTest
class RequestLogContextKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aRejectedRequestsLineCarriesItsRequestIdInJson(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Logger intakeLog = (Logger) LoggerFactory.getLogger(RequestIntake.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        captured.start();
        intakeLog.addAppender(captured);
        try (SamplerHarness h = new SamplerHarness(kafka, "logctx", store, 1);
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            try (SamplerService service = SamplerService.start(h.config("logctx", 4, 5), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(
                        Requests.request("req-unknown", "run-missing", 1, 1, 7L).build());

                // The intake logs the rejection before it publishes the error record.
                GenerationError error = errors.awaitCount(1, WAIT).get(0).value();
                assertEquals(ErrorCode.UNKNOWN_MODEL, error.getCode());
                List<ILoggingEvent> lines = List.copyOf(captured.list).stream()
                        .filter(e -> e.getFormattedMessage().contains("rejected: UNKNOWN_MODEL"))
                        .toList();
                assertEquals(1, lines.size(), captured.list.toString());
                ILoggingEvent line = lines.get(0);
                assertEquals("req-unknown", line.getMDCPropertyMap().get(RequestLogContext.REQUEST_ID));
                assertEquals("run-missing", line.getMDCPropertyMap().get(RequestLogContext.RUN_ID));
                assertNull(line.getMDCPropertyMap().get(RequestLogContext.STEP), "the request names no step");

                JsonEncoder json = new JsonEncoder();
                json.setContext(captured.getContext());
                json.start();
                String encoded = new String(json.encode(line), StandardCharsets.UTF_8);
                assertTrue(encoded.contains("\"requestId\":\"req-unknown\""), encoded);
                assertTrue(encoded.contains("\"runId\":\"run-missing\""), encoded);
            }
        } finally {
            intakeLog.detachAppender(captured);
        }
        assertNull(MDC.get(RequestLogContext.REQUEST_ID), "the field does not outlive the request");
    }
}
