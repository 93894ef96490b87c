package io.ectstream.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.platform.ops.ServiceMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 22: the trainer's publisher exports its producer's meters on the trainer's /metrics. */
@BrokerTest
class TrainingEventsMetricsTest {

    @Test
    void producerSeriesAreExported(KafkaCluster kafka) throws Exception {
        Topics topics = TestEvents.uniqueTopics();
        try (ServiceMetrics metrics = new ServiceMetrics();
                KafkaTrainingEvents events = new KafkaTrainingEvents(
                        PublisherConfig.of(kafka.bootstrapServers()).withTopics(topics),
                        DuplicatePolicy.SKIP_ANNOUNCED,
                        metrics)) {
            events.progress(TestEvents.progress("run-m", 1));
            TestEvents.awaitDelivered(events, 1, Duration.ofSeconds(60));
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("kafka_producer_record_send_total{"), scrape);
            assertTrue(scrape.contains("jvm_memory_used_bytes{"));
        }
    }
}
