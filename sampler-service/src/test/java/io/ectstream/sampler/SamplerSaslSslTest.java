package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.kafka.embedded.SaslSslSetup;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler against a broker that requires TLS + SASL/SCRAM-SHA-512 and authorizes with ACLs. */
@BrokerTest
class SamplerSaslSslTest {
    @TempDir
    Path dir;

    /** Topic (by prefix) DESCRIBE, READ, WRITE and group READ for {@code principal}, over the plaintext listener. */
    private static void grant(EmbeddedKafkaBroker broker, String principal, String topicPrefix, String groupPrefix)
            throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ResourcePattern topics = new ResourcePattern(ResourceType.TOPIC, topicPrefix, PatternType.PREFIXED);
            ResourcePattern group = new ResourcePattern(ResourceType.GROUP, groupPrefix, PatternType.PREFIXED);
            admin.createAcls(List.of(
                            new AclBinding(
                                    topics,
                                    new AccessControlEntry(
                                            principal, "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)),
                            new AclBinding(
                                    topics,
                                    new AccessControlEntry(principal, "*", AclOperation.READ, AclPermissionType.ALLOW)),
                            new AclBinding(
                                    topics,
                                    new AccessControlEntry(
                                            principal, "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
                            new AclBinding(
                                    group,
                                    new AccessControlEntry(
                                            principal, "*", AclOperation.READ, AclPermissionType.ALLOW))))
                    .all()
                    .get();
        }
    }

    @Test
    void aUserWithTheAclsServesRequestsOverSaslSsl() throws Exception {
        SaslSslSetup setup = SaslSslSetup.generate(dir.resolve("tls"), Map.of("sampler", "sampler-secret"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporarySaslSsl(setup)) {
            grant(broker, "User:sampler", "sasl.", "sasl-");
            KafkaClientSettings.Builder b =
                    KafkaClientSettings.builder().bootstrapServers(broker.saslSslBootstrapServers());
            setup.clientProperties("sampler", "sampler-secret", SaslSslSetup.SCRAM)
                    .forEach((k, v) -> b.put(k, String.valueOf(v)));
            KafkaClientSettings settings = b.build();

            Path store = Files.createDirectories(dir.resolve("store"));
            try (SamplerHarness h = new SamplerHarness(broker, "sasl", store, 1);
                    TopicReader<GenerationResult> results = h.results()) {
                h.sendCheckpoint(Checkpoints.seeded(store, "run-s", 2, 5));
                SamplerConfig base = h.config("sasl-group", 4, 5);
                SamplerConfig config = base.withKafka(base.kafka().withClient(settings));
                try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                    assertTrue(service.awaitRecovery(Duration.ofSeconds(30)));
                    assertTrue(service.registry().hasModel(), "the checkpoint was read over SASL_SSL");
                    h.sendRequest(
                            Requests.request("secure-1", "run-s", 3, 1, 4L).build());
                    List<TopicReader.Read<GenerationResult>> got = results.awaitCount(1, Duration.ofSeconds(30));
                    assertEquals("secure-1", got.get(0).value().getRequestId());
                    assertEquals(3, got.get(0).value().getImages().size());
                }
            }
        }
    }

    @Test
    void aUserWithoutAclsGetsAClearErrorAndTheServiceStaysUp() throws Exception {
        SaslSslSetup setup = SaslSslSetup.generate(dir.resolve("tls2"), Map.of("nobody", "nobody-secret"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporarySaslSsl(setup)) {
            KafkaClientSettings.Builder b =
                    KafkaClientSettings.builder().bootstrapServers(broker.saslSslBootstrapServers());
            setup.clientProperties("nobody", "nobody-secret", SaslSslSetup.SCRAM)
                    .forEach((k, v) -> b.put(k, String.valueOf(v)));
            Path store = Files.createDirectories(dir.resolve("store2"));
            try (SamplerHarness h = new SamplerHarness(broker, "denied", store, 1)) {
                SamplerConfig base = h.config("denied-group", 4, 5);
                SamplerConfig config = base.withKafka(base.kafka().withClient(b.build()))
                        .withHttp(HttpEndpoint.defaults().withPort(0));
                try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                    // recovery ends when the checkpoint intake is refused: the service answers after that refusal
                    assertTrue(
                            service.awaitRecovery(Duration.ofSeconds(30)),
                            "recovery ends (with nothing loaded) instead of hanging");
                    assertEquals(false, service.registry().hasModel());
                    java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                    "http://127.0.0.1:" + service.httpPort() + "/health"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(503, health.statusCode(), "still up and answering, without a model");

                    // Once an operator grants the ACLs, both intakes recover on their own (after their retry pause).
                    grant(broker, "User:nobody", "denied.", "denied-group");
                    h.sendCheckpoint(Checkpoints.seeded(store, "run-d", 1, 3));
                    // the request goes once its model is loaded: the two intakes retry on their own schedules
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (!service.registry().hasModel()) {
                        assertTrue(System.nanoTime() < deadline, "the checkpoint intake never recovered");
                        Thread.sleep(50);
                    }
                    h.sendRequest(
                            Requests.request("after-grant", "run-d", 2, 1, 9L).build());
                    try (TopicReader<GenerationResult> results = h.results()) {
                        List<TopicReader.Read<GenerationResult>> got = results.awaitCount(1, Duration.ofSeconds(60));
                        assertEquals("after-grant", got.get(0).value().getRequestId());
                    }
                }
            }
        }
    }
}
