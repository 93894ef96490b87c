package io.ectstream.evaluator.stream;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** Kafka Streams properties of the evaluator: exactly-once, a state directory, room for large moment records. */
public final class StreamsSettings {
    private StreamsSettings() {}

    public static Properties properties(EvaluatorConfig config) {
        return properties(config, new EvaluatorCounters());
    }

    /** The properties, with {@code counters} counting the records the production exception handler skips. */
    static Properties properties(EvaluatorConfig config, EvaluatorCounters counters) {
        Properties p = new Properties();
        p.putAll(config.client().properties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(
                StreamsConfig.STATE_DIR_CONFIG,
                config.streams().stateDir().toAbsolutePath().toString());
        int limit = config.streams().maxMessageBytes();
        // Changelog and repartition topics are created by Streams with these topic configs.
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Integer.toString(limit));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), limit);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), Math.max(33554432L, 2L * limit));
        // A report at d = 2048 takes tens of seconds (the first one also decomposes the reference covariance),
        // all inside one transaction: Streams' 10 s default transaction timeout would abort it and loop.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 300_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), limit);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), limit);
        // Bad input is routed to the error topic by the topology itself; anything a processor still throws
        // is logged and the record skipped, so that one poison record cannot stop the application.
        p.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        // The same for the global store's processing.
        enableGlobalProcessingExceptionHandler(p);
        p.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnwritableRecords.class.getName());
        p.put(SkipUnwritableRecords.COUNTERS_CONFIG, counters);
        p.putAll(config.streams().overrides());
        return p;
    }

    /**
     * Lets the processing exception handler cover global stores, as Kafka 5.0 will by default: Streams warns at
     * every start while it is off. Also given to the main consumer, whose partition assignor builds a second
     * StreamsConfig from the consumer's settings alone and would warn once more.
     */
    public static void enableGlobalProcessingExceptionHandler(Properties p) {
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
    }
}
