package io.ectstream.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ectstream.platform.kafka.KafkaClientSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared client settings become the publisher's client properties; acks and idempotence stay fixed. */
class PublisherClientSettingsTest {
    @Test
    void securitySettingsReachEveryClientButAcksStayAll() {
        KafkaClientSettings settings = KafkaClientSettings.builder()
                .environment(Map.of(
                        "ECTSTREAM_KAFKA_SECURITY_PROTOCOL",
                        "SASL_SSL",
                        "ECTSTREAM_KAFKA_SASL_MECHANISM",
                        "SCRAM-SHA-512"))
                .property("acks=0")
                .bootstrapServers("k1:9093,k2:9093")
                .build();
        PublisherConfig config = PublisherConfig.of(settings);
        assertEquals("k1:9093,k2:9093", config.bootstrapServers());
        for (KafkaClientSettings client : List.of(
                PublisherClientProperties.producer(config),
                PublisherClientProperties.reader(config),
                PublisherClientProperties.admin(config))) {
            assertEquals("SASL_SSL", client.properties().get("security.protocol"));
            assertEquals("SCRAM-SHA-512", client.properties().get("sasl.mechanism"));
            assertEquals("k1:9093,k2:9093", client.properties().get("bootstrap.servers"));
        }
        assertEquals(
                "all", PublisherClientProperties.producer(config).properties().get("acks"));
    }
}
