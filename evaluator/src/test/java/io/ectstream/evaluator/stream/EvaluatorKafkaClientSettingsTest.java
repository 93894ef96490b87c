package io.ectstream.evaluator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.history.FidHistoryReader;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client properties given through KafkaClientSettings reach the evaluator's Streams instance and its readers. */
@BrokerTest
class EvaluatorKafkaClientSettingsTest {
    @TempDir
    Path dir;

    @Test
    void streamsPropertiesStartFromTheClientSettingsAndKeepTheEvaluatorsOwn() {
        KafkaClientSettings settings = KafkaClientSettings.builder()
                .property("security.protocol=SASL_SSL")
                .property("processing.guarantee=at_least_once")
                .property("client.id=evaluator-7")
                .bootstrapServers("b:9093")
                .build();
        EvaluatorConfig config = Configs.config("app", "ignored:1", dir, new ReportSchedule(10, 0))
                .withClient(settings);
        Properties p = StreamsSettings.properties(config);
        assertEquals("b:9093", p.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("evaluator-7", p.get("client.id"));
        assertEquals(
                StreamsConfig.EXACTLY_ONCE_V2,
                p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                "exactly-once is not the user's to drop");
        assertEquals("6000", p.get("session.timeout.ms"), "the explicit streams overrides still apply");
    }

    @Test
    void aBogusSecurityProtocolReachesTheRealClients(KafkaCluster kafka) {
        KafkaClientSettings bogus = KafkaClientSettings.builder()
                .property("security.protocol=NOT_A_PROTOCOL")
                .bootstrapServers(kafka.bootstrapServers())
                .build();
        EvaluatorConfig config = Configs.config("bogus-app", kafka.bootstrapServers(), dir, new ReportSchedule(10, 0))
                .withClient(bogus);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("bogus-in").to("bogus-out");
        RuntimeException streams = assertThrows(
                RuntimeException.class,
                () -> new KafkaStreams(builder.build(), StreamsSettings.properties(config))
                        .close(Duration.ofSeconds(5)));
        assertTrue(causes(streams).contains("NOT_A_PROTOCOL"), causes(streams));
        RuntimeException history = assertThrows(
                RuntimeException.class, () -> FidHistoryReader.read(bogus, "fid", "run", Duration.ofSeconds(5)));
        assertTrue(causes(history).contains("NOT_A_PROTOCOL"), causes(history));
    }

    @Test
    void theFidHistoryReaderUsesTheSettingsBootstrapServers(KafkaCluster kafka) {
        kafka.createTopics(1, "settings.fid");
        KafkaClientSettings good = KafkaClientSettings.builder()
                .environment(Map.of("ECTSTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()))
                .property("client.id=fid-reader-test")
                .build();
        FidHistoryReader.History history = FidHistoryReader.read(good, "settings.fid", "run", Duration.ofSeconds(20));
        assertEquals(0, history.reports().size());
    }

    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
