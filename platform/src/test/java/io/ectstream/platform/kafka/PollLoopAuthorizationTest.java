package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.kafka.embedded.SaslSslSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A loop whose user Kafka refuses keeps retrying, and reads once an operator grants the ACLs. */
@Tag(BrokerTest.TAG)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PollLoopAuthorizationTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedLoopRetriesAndReadsOnceTheAclsAreGranted() throws Exception {
        SaslSslSetup setup = SaslSslSetup.generate(dir.resolve("tls"), Map.of("reader", "reader-secret"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporarySaslSsl(setup);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            broker.createTopics(1, "acl.topic");
            Map<String, Object> props =
                    new HashMap<>(setup.clientProperties("reader", "reader-secret", SaslSslSetup.SCRAM));
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslSslBootstrapServers());
            CompletableFuture<RuntimeException> refused = new CompletableFuture<>();
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            try (PollLoop<String, byte[]> loop = PollLoop.over(
                            KafkaClients.consumer(KafkaClientSettings.of(broker.saslSslBootstrapServers()), props),
                            new PollLoop.Handler<String, byte[]>() {
                                @Override
                                public void handle(PollLoop.Batch<String, byte[]> batch) {
                                    batch.records().forEach(r -> seen.add(r.key()));
                                }

                                @Override
                                public boolean retrying(RuntimeException cause, Duration delay) {
                                    refused.complete(cause);
                                    return false;
                                }
                            })
                    .assignAll("acl.topic", PollLoop.Start.BEGINNING)
                    .retry(new PollLoop.Retry(Duration.ofMillis(100), Duration.ofMillis(500)))
                    .start()) {
                assertInstanceOf(AuthorizationException.class, refused.get(60, TimeUnit.SECONDS));
                assertTrue(loop.running(), "a refusal is retried, not fatal");

                ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, "acl.topic", PatternType.LITERAL);
                admin.createAcls(List.of(
                                new AclBinding(
                                        topic,
                                        new AccessControlEntry(
                                                "User:reader", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)),
                                new AclBinding(
                                        topic,
                                        new AccessControlEntry(
                                                "User:reader", "*", AclOperation.READ, AclPermissionType.ALLOW))))
                        .all()
                        .get();
                long end;
                try (KafkaProducer<String, byte[]> producer =
                        KafkaClients.producer(KafkaClientSettings.of(broker.bootstrapServers()), Map.of())) {
                    end = producer.send(new ProducerRecord<>("acl.topic", 0, "granted", new byte[] {1}))
                                    .get()
                                    .offset()
                            + 1;
                }
                assertTrue(loop.awaitHandled(Map.of(new TopicPartition("acl.topic", 0), end), Duration.ofSeconds(60)));
                assertEquals(List.of("granted"), seen);
                assertEquals(PollLoop.State.RUNNING, loop.state());
            }
        }
    }

    /** A group refused and later granted: the loop starts afresh with a new consumer, which joins and reads. */
    @Test
    void aLoopRefusedItsGroupRenewsItsConsumerAndReadsOnceTheGroupIsGranted() throws Exception {
        SaslSslSetup setup = SaslSslSetup.generate(dir.resolve("tls-group"), Map.of("member", "member-secret"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporarySaslSsl(setup);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            broker.createTopics(1, "acl.group.topic");
            ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, "acl.group.topic", PatternType.LITERAL);
            admin.createAcls(List.of(
                            new AclBinding(
                                    topic,
                                    new AccessControlEntry(
                                            "User:member", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)),
                            new AclBinding(
                                    topic,
                                    new AccessControlEntry(
                                            "User:member", "*", AclOperation.READ, AclPermissionType.ALLOW))))
                    .all()
                    .get();
            Map<String, Object> props =
                    new HashMap<>(setup.clientProperties("member", "member-secret", SaslSslSetup.SCRAM));
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslSslBootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "acl-group");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            CompletableFuture<RuntimeException> refused = new CompletableFuture<>();
            java.util.concurrent.atomic.AtomicInteger renewals = new java.util.concurrent.atomic.AtomicInteger();
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            try (PollLoop<String, byte[]> loop = PollLoop.over(
                            KafkaClients.consumer(KafkaClientSettings.of(broker.saslSslBootstrapServers()), props),
                            new PollLoop.Handler<String, byte[]>() {
                                @Override
                                public void handle(PollLoop.Batch<String, byte[]> batch) {
                                    batch.records().forEach(r -> seen.add(r.key()));
                                }

                                @Override
                                public boolean retrying(RuntimeException cause, Duration delay) {
                                    refused.complete(cause);
                                    return false;
                                }
                            })
                    .subscribe(List.of("acl.group.topic"))
                    .retry(new PollLoop.Retry(Duration.ofMillis(100), Duration.ofMillis(500)))
                    .renewAfterRefusal(() -> {
                        renewals.incrementAndGet();
                        return KafkaClients.consumer(KafkaClientSettings.of(broker.saslSslBootstrapServers()), props);
                    })
                    .start()) {
                assertInstanceOf(AuthorizationException.class, refused.get(60, TimeUnit.SECONDS));
                admin.createAcls(List.of(new AclBinding(
                                new ResourcePattern(ResourceType.GROUP, "acl-group", PatternType.LITERAL),
                                new AccessControlEntry(
                                        "User:member", "*", AclOperation.READ, AclPermissionType.ALLOW))))
                        .all()
                        .get();
                long end;
                try (KafkaProducer<String, byte[]> producer =
                        KafkaClients.producer(KafkaClientSettings.of(broker.bootstrapServers()), Map.of())) {
                    end = producer.send(new ProducerRecord<>("acl.group.topic", 0, "joined", new byte[] {1}))
                                    .get()
                                    .offset()
                            + 1;
                }
                assertTrue(loop.awaitHandled(
                        Map.of(new TopicPartition("acl.group.topic", 0), end), Duration.ofSeconds(60)));
                assertEquals(List.of("joined"), seen);
                assertTrue(renewals.get() >= 1, "the refused consumer was replaced");
                assertEquals(PollLoop.State.RUNNING, loop.state());
            }
        }
    }
}
