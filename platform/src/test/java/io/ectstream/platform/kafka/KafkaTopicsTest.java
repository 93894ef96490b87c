package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@BrokerTest
class KafkaTopicsTest {

    private static TopicLayout layout(String prefix) {
        TopicLayout base = TopicLayout.defaults(Topics.defaults().withPrefix(prefix));
        return base.with(base.get(TopicRole.REFERENCE_STATS).withName(prefix + "ref"))
                .with(base.get(TopicRole.RESULTS_JSON).withName(prefix + "json"))
                .with(base.get(TopicRole.REQUESTS)
                        .withPartitions(5)
                        .withReplicationFactor((short) 1)
                        .withConfig("retention.ms", "3600000"));
    }

    @Test
    void createMakesEveryTopicAsConfiguredAndLeavesExistingOnesAlone(KafkaCluster kafka) {
        TopicLayout layout = layout("kt1.");
        try (KafkaTopics topics =
                new KafkaTopics(KafkaClientSettings.of(kafka.bootstrapServers()), Duration.ofSeconds(20))) {
            KafkaTopics.Created first = topics.create(layout);
            assertEquals(9, first.created().size(), first.toString());
            assertEquals(List.of(), first.existing());
            KafkaTopics.Created again = topics.create(layout);
            assertEquals(List.of(), again.created());
            assertEquals(9, again.existing().size());

            Map<String, KafkaTopics.Described> d = topics.describe(
                    List.of("kt1.ect.generate.requests", "kt1.ref", "kt1.ect.checkpoints", "kt1.absent"));
            assertEquals(3, d.size(), d.toString());
            KafkaTopics.Described requests = d.get("kt1.ect.generate.requests");
            assertEquals(5, requests.partitions());
            assertEquals(1, requests.replicationFactor());
            assertEquals("3600000", requests.configs().get("retention.ms"));
            assertEquals("delete", requests.configs().get("cleanup.policy"));
            assertEquals("compact", d.get("kt1.ref").configs().get("cleanup.policy"));
            assertEquals(Integer.toString(64 << 20), d.get("kt1.ref").configs().get("max.message.bytes"));
            assertEquals("-1", d.get("kt1.ect.checkpoints").configs().get("retention.ms"));
            assertEquals(1, d.get("kt1.ect.checkpoints").partitions());
        }
    }

    @Test
    void driftOfExistingTopicsIsReportedAndFixedOnRequest(KafkaCluster kafka) {
        TopicLayout layout = layout("kt3.").only(List.of(TopicRole.CHECKPOINTS, TopicRole.REQUESTS));
        TopicSpec checkpoints = layout.get(TopicRole.CHECKPOINTS);
        TopicSpec requests = layout.get(TopicRole.REQUESTS);
        // as `broker` used to make them: no configs (the broker's 7 days), and fewer partitions than defined
        kafka.createTopics(1, checkpoints.name(), requests.name());
        try (KafkaTopics topics =
                new KafkaTopics(KafkaClientSettings.of(kafka.bootstrapServers()), Duration.ofSeconds(20))) {
            KafkaTopics.Created reported = topics.create(layout);
            assertEquals(List.of(checkpoints.name(), requests.name()), reported.existing());
            assertEquals(
                    List.of(
                            checkpoints.name() + " retention.ms=604800000, expected -1",
                            requests.name() + " partitions=1, expected 5",
                            requests.name() + " retention.ms=604800000, expected 3600000"),
                    reported.drift().stream().map(TopicDrift::toString).toList());
            assertEquals(List.of(), reported.fixed());
            assertEquals(reported.drift(), topics.drift(layout), "create without fixing changes nothing");
            assertEquals(reported.drift(), topics.warnOnDrift("test", layout), "a service's start-up warns of each");

            KafkaTopics.Created fixed = topics.create(layout, true);
            assertEquals(reported.drift(), fixed.fixed());
            assertEquals(List.of(), fixed.drift());
            assertEquals(List.of(), topics.drift(layout));
            Map<String, KafkaTopics.Described> d = topics.describe(List.of(checkpoints.name(), requests.name()));
            assertEquals("-1", d.get(checkpoints.name()).configs().get("retention.ms"));
            assertEquals(5, d.get(requests.name()).partitions());
        }
    }

    @Test
    void requireNamesExactlyTheMissingTopics(KafkaCluster kafka) {
        kafka.createTopics(1, "kt2.present");
        try (KafkaTopics topics =
                new KafkaTopics(KafkaClientSettings.of(kafka.bootstrapServers()), Duration.ofSeconds(20))) {
            topics.require("test", List.of("kt2.present"));
            MissingTopicsException e = assertThrows(
                    MissingTopicsException.class,
                    () -> topics.require("sampler-service", List.of("kt2.present", "kt2.requests", "kt2.results")));
            assertEquals(List.of("kt2.requests", "kt2.results"), e.missing());
            assertTrue(
                    e.getMessage().contains("sampler-service cannot start")
                            && e.getMessage().contains("kt2.requests, kt2.results")
                            && !e.getMessage().contains("kt2.present"),
                    e.getMessage());
        }
    }

    /** Issue 32: an errors topic below the largest error record is named at start, with the size it needs. */
    @Test
    void aTopicBelowTheRecordsItMustTakeIsWarnedAbout(KafkaCluster kafka) throws Exception {
        kafka.createTopics(1, "kt3.errors", "kt3.roomy");
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                            new org.apache.kafka.common.config.ConfigResource(
                                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "kt3.errors"),
                            List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "100000"),
                                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
        try (KafkaTopics topics =
                new KafkaTopics(KafkaClientSettings.of(kafka.bootstrapServers()), Duration.ofSeconds(20))) {
            assertEquals(
                    java.util.Optional.of("evaluator: topic kt3.errors takes records of at most 100000 bytes"
                            + " (max.message.bytes), below the 300000 bytes an error record may take; raise it to at"
                            + " least 300000"),
                    topics.warnOnSmallRecords("evaluator", "kt3.errors", 300_000, "an error record"));
            assertTrue(
                    topics.warnOnSmallRecords("evaluator", "kt3.roomy", 300_000, "an error record")
                            .isEmpty(),
                    "the broker's default, 1 MiB");
            assertTrue(topics.warnOnSmallRecords("evaluator", "kt3.missing", 300_000, "an error record")
                    .isEmpty());
        }
    }

    @Test
    void badTopicSettingsGetTypedErrors() {
        TopicSpec ok = TopicLayout.defaults().get(TopicRole.RESULTS);
        assertThrows(InvalidKafkaSettingsException.class, () -> ok.withPartitions(0));
        assertThrows(InvalidKafkaSettingsException.class, () -> ok.withReplicationFactor((short) 0));
        assertThrows(InvalidKafkaSettingsException.class, () -> ok.withName("has space"));
        assertThrows(InvalidKafkaSettingsException.class, () -> TopicRole.ofKey("nope"));
        assertEquals(TopicRole.REFERENCE_STATS, TopicRole.ofKey("reference-stats"));
    }
}
