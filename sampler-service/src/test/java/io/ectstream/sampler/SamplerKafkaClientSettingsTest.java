package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.sampler.client.GenerationClient;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client properties given through KafkaClientSettings reach the sampler's real Kafka clients. */
@BrokerTest
class SamplerKafkaClientSettingsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void theRequestConsumerJoinsItsGroupWithTheConfiguredClientId(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        KafkaClientSettings settings = KafkaClientSettings.builder()
                .environment(Map.of("ECTSTREAM_KAFKA_CLIENT_ID", "from-env"))
                .property("client.id=sampler-under-test")
                .bootstrapServers(kafka.bootstrapServers())
                .build();
        try (SamplerHarness h = new SamplerHarness(kafka, "clientsettings", store, 1);
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-s", 1, 3));
            SamplerConfig base = h.config("clientsettings-group", 4, 5);
            SamplerConfig config = base.withKafka(base.kafka().withClient(settings));
            assertEquals(
                    "sampler-under-test", config.kafka().client().properties().get("client.id"));
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("one", "run-s", 1, 1, 9L).build());
                assertEquals("one", results.awaitCount(1, WAIT).get(0).value().getRequestId());
                try (Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(Set.of("clientsettings-group"))
                            .describedGroups()
                            .get("clientsettings-group")
                            .get();
                    Set<String> clientIds = group.members().stream()
                            .map(MemberDescription::clientId)
                            .collect(Collectors.toSet());
                    assertEquals(Set.of("sampler-under-test"), clientIds);
                }
            }
        }
    }

    @Test
    void aBogusSecurityProtocolReachesEveryClientAndFailsClearly(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store-bogus"));
        KafkaClientSettings bogus = KafkaClientSettings.builder()
                .property("security.protocol=NOT_A_PROTOCOL")
                .bootstrapServers(kafka.bootstrapServers())
                .build();
        try (SamplerHarness h = new SamplerHarness(kafka, "bogus", store, 1)) {
            SamplerConfig base = h.config("bogus-group", 4, 5);
            SamplerConfig config = base.withKafka(base.kafka().withClient(bogus));
            RuntimeException service =
                    assertThrows(RuntimeException.class, () -> SamplerService.start(config, new SeededModelLoader()));
            assertTrue(causes(service).contains("NOT_A_PROTOCOL"), causes(service));
            KafkaException client =
                    assertThrows(KafkaException.class, () -> new GenerationClient(bogus, h.topics(), null));
            assertTrue(causes(client).contains("NOT_A_PROTOCOL"), causes(client));
        }
    }

    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
