package io.ectstream.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.Await;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.kafka.embedded.SaslSslSetup;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's publisher against a broker that requires TLS and SASL (SCRAM-SHA-512 and PLAIN) and authorizes with ACLs: a user with the
 * ACLs announces checkpoints; a user without them gets an authorization error while the publisher stays up, and
 * its waiting events go out once the ACLs are granted.
 */
@BrokerTest
class SaslSslTrainingEventsTest {
    @TempDir
    static Path dir;

    static SaslSslSetup setup;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        setup = SaslSslSetup.generate(dir.resolve("tls"), Map.of("alice", "alice-secret", "bob", "bob-secret"));
        broker = EmbeddedKafkaBroker.startTemporarySaslSsl(setup);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** What a user's --kafka-config file would say, run through the shared settings. */
    private static KafkaClientSettings settingsFor(String user, String mechanism) {
        KafkaClientSettings.Builder b =
                KafkaClientSettings.builder().bootstrapServers(broker.saslSslBootstrapServers());
        setup.clientProperties(user, setup.users().get(user), mechanism).forEach((k, v) -> b.put(k, String.valueOf(v)));
        return b.build();
    }

    private static void grant(String user, String topicPrefix) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ResourcePattern topics = new ResourcePattern(ResourceType.TOPIC, topicPrefix, PatternType.PREFIXED);
            List<AclBinding> acls = List.of(AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE).stream()
                    .map(op -> new AclBinding(
                            topics, new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)))
                    .toList();
            admin.createAcls(acls).all().get();
        }
    }

    private static Topics topics(String prefix) {
        Topics d = Topics.defaults();
        return Topics.defaults()
                .with(TopicRole.CHECKPOINTS, prefix + ".checkpoints")
                .with(TopicRole.PROGRESS, prefix + ".progress");
    }

    private static void createTopics(Topics t) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(t.checkpoints(), 1, (short) 1), new NewTopic(t.progress(), 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @Test
    void aUserWithTheAclsAnnouncesCheckpointsOverSaslSslWithScram() throws Exception {
        Topics t = topics("granted");
        createTopics(t);
        grant("alice", "granted.");
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(
                PublisherConfig.of(settingsFor("alice", SaslSslSetup.SCRAM)).withTopics(t))) {
            events.checkpointWritten(
                    TestEvents.checkpoint(dir, "run-a", 100, TestEvents.writeCheckpointFile(dir, "run-a", 100, 64)));
            events.progress(TestEvents.progress("run-a", 100));
            TestEvents.awaitDelivered(events, 2, Duration.ofSeconds(30));
            assertEquals(2, events.delivered());
        }
        assertEquals(
                List.of(100L),
                TestEvents.checkpoints(broker.bootstrapServers(), t.checkpoints(), 1, Duration.ofSeconds(20)).stream()
                        .map(e -> e.getStep())
                        .toList());
    }

    @Test
    void aUserWithoutAclsGetsAnAuthorizationErrorAndThePublisherStaysUp() throws Exception {
        Topics t = topics("denied");
        createTopics(t);
        KafkaClientSettings bob = settingsFor("bob", SaslSslSetup.MECHANISM);

        Map<String, Object> producerProps = new HashMap<>(bob.clientProperties());
        producerProps.put("max.block.ms", 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(t.checkpoints(), "k", "v"))
                            .get());
            TopicAuthorizationException denied = assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            assertTrue(denied.unauthorizedTopics().contains(t.checkpoints()), denied.toString());
        }

        try (KafkaTrainingEvents events = new KafkaTrainingEvents(
                PublisherConfig.of(bob).withTopics(t).withOutageWarningAfter(Duration.ofMillis(500)))) {
            events.checkpointWritten(
                    TestEvents.checkpoint(dir, "run-b", 200, TestEvents.writeCheckpointFile(dir, "run-b", 200, 64)));
            Await.until(() -> events.outages() > 0, Duration.ofSeconds(30), "the refused sends to count as an outage");
            assertEquals(0, events.delivered(), "nothing gets through without ACLs");
            assertEquals(1, events.waiting(), "the event waits instead of being lost");
            events.progress(TestEvents.progress("run-b", 200)); // still accepting: training is not stopped

            grant("bob", "denied.");
            TestEvents.awaitDelivered(events, 2, Duration.ofSeconds(30));
            assertEquals(2, events.delivered(), "once the ACLs exist the waiting events go out");
        }
    }
}
