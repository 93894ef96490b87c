package io.ectstream.evaluator.stream;

import io.ectstream.evaluator.LogFields;
import io.ectstream.platform.logging.LogContext;
import io.ectstream.schemas.GenerationResult;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets each (request id, chunk index) of a sample group through once: a result redelivered by Kafka or
 * answered twice by the sampler (a rebalance, a restart) is dropped, however late it comes within
 * {@link #REMEMBERED}. Keyed by sample group, so it runs after the repartition, where a group's chunks meet in
 * one task; the store is changelogged and updated in the same exactly-once transaction as the moments.
 */
final class CountEachChunkOnce implements FixedKeyProcessor<String, GenerationResult, GenerationResult> {
    /**
     * How long a counted chunk is remembered, in record time. A duplicate is a copy of a result record (the
     * results topic keeps them 1 day) or a second answer to a request redelivered to the sampler (the requests
     * topics keep them 1 day): both come within a day of the first answer. Two days leave a margin.
     */
    static final Duration REMEMBERED = Duration.ofDays(2);

    private static final Logger log = LoggerFactory.getLogger(CountEachChunkOnce.class);

    private final EvaluatorCounters counters;
    private FixedKeyProcessorContext<String, GenerationResult> context;
    private WindowStore<String, Long> counted;

    CountEachChunkOnce(EvaluatorCounters counters) {
        this.counters = counters;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, GenerationResult> context) {
        this.context = context;
        this.counted = context.getStateStore(FidTopology.COUNTED_CHUNKS_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, GenerationResult> record) {
        GenerationResult result = record.value();
        String chunk = record.key() + "|" + result.getRequestId() + "|" + result.getChunkIndex();
        long at = record.timestamp();
        long remembered = REMEMBERED.toMillis();
        try (WindowStoreIterator<Long> seen = counted.fetch(chunk, Math.max(0, at - remembered), at + remembered)) {
            if (seen.hasNext()) {
                long duplicates = counters.countDuplicate();
                try (LogContext ignored = LogContext.of(LogFields.REQUEST_ID, result.getRequestId())) {
                    // a redelivery comes in hundreds: the first is told, the rest are counted (and at DEBUG)
                    if (duplicates == 1) {
                        log.info(
                                "result {} chunk {} was counted already in {}: dropped (further duplicates are"
                                        + " counted in ect_evaluator_duplicates_total and logged at DEBUG)",
                                result.getRequestId(),
                                result.getChunkIndex(),
                                record.key());
                    } else {
                        log.debug(
                                "result {} chunk {} was counted already in {}: dropped ({} duplicates so far)",
                                result.getRequestId(),
                                result.getChunkIndex(),
                                record.key(),
                                duplicates);
                    }
                }
                return;
            }
        }
        counted.put(chunk, at, at);
        context.forward(record);
    }
}
