package io.ectstream.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

@BrokerTest
class KafkaBrokerExtensionTest {

    @Test
    void injectsAWorkingSharedBroker(KafkaCluster first, KafkaCluster second) throws Exception {
        assertEquals(first.bootstrapServers(), second.bootstrapServers(), "one broker per test run");
        first.createTopics(1, "extension-topic");
        EmbeddedKafkaBrokerTest.produce(first.bootstrapServers(), "extension-topic", List.of("x"));
        assertEquals(List.of("x"), EmbeddedKafkaBrokerTest.consume(first.bootstrapServers(), "extension-topic", 1));
    }
}
