package io.ectstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.platform.kafka.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `ectstream broker` makes every platform topic as TopicLayout defines it, also over topics an older version made. */
@BrokerTest
class BrokerCommandTest {
    @TempDir
    Path dir;

    private BrokerCommand command(Path dataDir) {
        BrokerCommand command = new BrokerCommand();
        new CommandLine(command).parseArgs("--port", "0", "--data-dir", dataDir.toString());
        return command;
    }

    @Test
    void everyTopicGetsItsDefinedPartitionsAndConfigs() throws Exception {
        try (EmbeddedKafkaBroker broker = command(dir.resolve("kafka")).start()) {
            assertAsDefined(broker.bootstrapServers());
        }
    }

    @Test
    void topicsAnOlderBrokerMadeWithoutSettingsAreBroughtToTheirDefinition() throws Exception {
        Path data = dir.resolve("kafka");
        Topics t = Topics.defaults();
        try (EmbeddedKafkaBroker old = EmbeddedKafkaBroker.start(data, false, 0)) {
            // what `broker` did before: 2 partitions each, no configs (checkpoints and FID kept the broker's 7 days)
            old.createTopics(2, t.checkpoints(), t.progress(), t.requests(), t.results(), t.errors(), t.fid());
            assertEquals(
                    "604800000",
                    configs(old.bootstrapServers(), t.checkpoints())
                            .get("retention.ms")
                            .value());
        }
        try (EmbeddedKafkaBroker broker = command(data).start()) {
            assertAsDefined(broker.bootstrapServers());
        }
    }

    private static void assertAsDefined(String bootstrapServers) throws Exception {
        TopicLayout layout = TopicLayout.defaults();
        assertEquals("-1", layout.get(TopicRole.CHECKPOINTS).configs().get("retention.ms"));
        try (Admin admin = admin(bootstrapServers)) {
            for (TopicSpec spec : layout.specs()) {
                Config config = configs(admin, spec.name());
                spec.configs()
                        .forEach((key, value) ->
                                assertEquals(value, config.get(key).value(), spec.name() + " " + key));
                int partitions = admin.describeTopics(List.of(spec.name()))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(spec.name())
                        .partitions()
                        .size();
                assertTrue(partitions >= spec.partitions(), spec.name() + " has " + partitions + " partitions");
            }
        }
    }

    private static Config configs(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            return configs(admin, topic);
        }
    }

    private static Config configs(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource);
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
