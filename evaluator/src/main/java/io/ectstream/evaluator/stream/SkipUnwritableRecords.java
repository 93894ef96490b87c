package io.ectstream.evaluator.stream;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's production exception handler: a record it cannot serialize or write is counted
 * ({@link EvaluatorCounters#unwritableRecords()}), logged once per (topic, cause) and skipped; a retriable error is
 * retried. Under exactly-once a record the broker refuses has already moved the open transaction to an abortable
 * state, so skipping it cannot save that transaction: the bound on every error record
 * ({@link io.ectstream.schemas.records.GenerationErrors}) is what keeps that from happening, and readiness
 * ({@link StreamThreadFailures}) tells when it still does.
 */
public final class SkipUnwritableRecords implements ProductionExceptionHandler {
    /** The config key under which {@link StreamsSettings} hands the application's counters to this handler. */
    static final String COUNTERS_CONFIG = "ectstream.evaluator.counters";

    private static final Logger log = LoggerFactory.getLogger(SkipUnwritableRecords.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private EvaluatorCounters counters = new EvaluatorCounters();

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(COUNTERS_CONFIG) instanceof EvaluatorCounters given) {
            counters = given;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
        if (e instanceof RetriableException) {
            return Response.retry();
        }
        return skip(record.topic(), "could not be written", e);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(
            ErrorHandlerContext context, ProducerRecord record, Exception e, SerializationExceptionOrigin origin) {
        return skip(record.topic(), "could not be serialized (" + origin + ")", e);
    }

    private Response skip(String topic, String what, Exception e) {
        long n = counters.countUnwritable();
        String cause = topic + ": " + e.getClass().getSimpleName();
        if (warned.add(cause)) {
            log.warn(
                    "a record for {} {} and is skipped: {} (further ones of this cause are counted in"
                            + " ect_evaluator_unwritable_records, not logged; {} so far)",
                    topic,
                    what,
                    e.toString(),
                    n);
        }
        return Response.resume();
    }
}
