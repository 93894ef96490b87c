package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaClientSettingsTest {

    @Test
    void defaultsAreOnlyTheLocalBootstrapServers() {
        KafkaClientSettings s = KafkaClientSettings.builder().build();
        assertEquals(Map.of("bootstrap.servers", "127.0.0.1:9092"), s.properties());
    }

    @Test
    void eachLayerOverridesTheOneBefore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
            bootstrap.servers=file:9092
            security.protocol=SSL
            client.id=from-file
            acks=1
            linger.ms=7
            """);
        Map<String, String> env = Map.of(
                "ECTSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "ECTSTREAM_KAFKA_CLIENT_ID", "from-env",
                "ECTSTREAM_KAFKA_ACKS", "all",
                "PATH", "/usr/bin");
        KafkaClientSettings s = KafkaClientSettings.builder()
                .file(file)
                .environment(env)
                .properties(List.of("client.id=from-flag"))
                .bootstrapServers("flag:9093")
                .build();
        assertEquals("flag:9093", s.bootstrapServers());
        assertEquals("SASL_SSL", s.properties().get("security.protocol"));
        assertEquals("from-flag", s.properties().get("client.id"));
        assertEquals("all", s.properties().get("acks"));
        assertEquals("7", s.properties().get("linger.ms"));
        assertEquals(5, s.properties().size(), s.properties().toString());
    }

    @Test
    void fileBootstrapServersWinOverTheDefaultWhenNoFlagIsGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "bootstrap.servers=broker-1:9094\n");
        assertEquals(
                "broker-1:9094",
                KafkaClientSettings.builder()
                        .file(file)
                        .bootstrapServers(null)
                        .build()
                        .bootstrapServers());
    }

    @Test
    void environmentNamesMapToDottedKeysAndDoubleUnderscoreIsALiteralUnderscore() {
        assertEquals("security.protocol", KafkaClientSettings.envSuffixToKey("SECURITY_PROTOCOL"));
        assertEquals("sasl.jaas.config", KafkaClientSettings.envSuffixToKey("SASL_JAAS_CONFIG"));
        assertEquals("some_plugin.key", KafkaClientSettings.envSuffixToKey("SOME__PLUGIN_KEY"));
        KafkaClientSettings s = KafkaClientSettings.builder()
                .environment(Map.of(
                        "ECTSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION",
                        "/etc/ts.p12",
                        "ECTSTREAM_KAFKA_",
                        "x",
                        "KAFKA_SECURITY_PROTOCOL",
                        "SSL"))
                .build();
        assertEquals(
                Map.of("bootstrap.servers", "127.0.0.1:9092", "ssl.truststore.location", "/etc/ts.p12"),
                s.properties());
    }

    @Test
    void propertyValuesMayContainEqualsSigns() {
        KafkaClientSettings s = KafkaClientSettings.builder()
                .property(
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";")
                .build();
        assertEquals(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                s.properties().get("sasl.jaas.config"));
        assertFalse(s.toString().contains("password=\"p\""), s.toString());
        assertTrue(s.toString().contains("sasl.jaas.config=[hidden]"), s.toString());
    }

    @Test
    void badInputGetsATypedError(@TempDir Path dir) {
        assertThrows(
                InvalidKafkaSettingsException.class,
                () -> KafkaClientSettings.builder().property("no-equals"));
        assertThrows(
                InvalidKafkaSettingsException.class,
                () -> KafkaClientSettings.builder().property("=v"));
        assertThrows(
                InvalidKafkaSettingsException.class,
                () -> KafkaClientSettings.builder().bootstrapServers(" "));
        InvalidKafkaSettingsException missing = assertThrows(
                InvalidKafkaSettingsException.class,
                () -> KafkaClientSettings.builder().file(dir.resolve("absent.properties")));
        assertTrue(missing.getMessage().contains("absent.properties"), missing.getMessage());
    }

    @Test
    void clientPropertiesAreAFreshCopy() {
        KafkaClientSettings s = KafkaClientSettings.of("h:1");
        s.clientProperties().put("acks", "0");
        assertEquals(Map.of("bootstrap.servers", "h:1"), s.properties());
    }

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        KafkaOptions kafka;

        @Override
        public void run() {}
    }

    @Test
    void theMixinParsesFlagsAndMergesThemWithFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("k.properties");
        Files.writeString(file, "security.protocol=SSL\nbootstrap.servers=f:1\n");
        Probe probe = new Probe();
        new CommandLine(probe)
                .parseArgs(
                        "--kafka-config",
                        file.toString(),
                        "--kafka-property",
                        "client.id=c1",
                        "--kafka-property",
                        "security.protocol=SASL_SSL");
        KafkaClientSettings s = probe.kafka.settings(Map.of("ECTSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));
        assertEquals(
                Map.of("bootstrap.servers", "f:1", "security.protocol", "SASL_SSL", "client.id", "c1"), s.properties());
    }

    @Test
    void theMixinsBootstrapServersFlagOverridesFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("k.properties");
        Files.writeString(file, "bootstrap.servers=f:1\n");
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs("--kafka-config", file.toString(), "--bootstrap-servers", "b:2");
        assertTrue(probe.kafka.given());
        KafkaClientSettings s = probe.kafka.settings(Map.of("ECTSTREAM_KAFKA_BOOTSTRAP_SERVERS", "e:3"));
        assertEquals("b:2", s.bootstrapServers());

        Probe none = new Probe();
        new CommandLine(none).parseArgs();
        assertFalse(none.kafka.given());
        assertEquals(
                KafkaClientSettings.DEFAULT_BOOTSTRAP_SERVERS,
                none.kafka.settings(Map.of()).bootstrapServers());
    }

    @Test
    void defaultsGoUnderTheSettingsAndAClientsOwnSettingsOverThem() {
        KafkaClientSettings settings = KafkaClientSettings.builder()
                .bootstrapServers("b:1")
                .property("client.id=from-user")
                .property("group.id=users-group")
                .property("acks=0")
                .build();
        KafkaClientSettings defaulted =
                settings.withDefaults(Map.of("client.id", "default-id", "request.timeout.ms", 4_000));
        assertEquals("from-user", defaulted.properties().get("client.id"));
        assertEquals("4000", defaulted.properties().get("request.timeout.ms"));
        assertFalse(defaulted.without("group.id").properties().containsKey("group.id"));
        assertEquals(
                Map.of("bootstrap.servers", "b:1", "client.id", "from-user"),
                settings.only(k -> !k.equals("group.id") && !k.equals("acks")).properties());
        assertEquals("all", KafkaClients.merged(settings, Map.of("acks", "all")).get("acks"));
        assertEquals("users-group", KafkaClients.merged(settings, Map.of()).get("group.id"));
        assertThrows(InvalidKafkaSettingsException.class, () -> settings.without("bootstrap.servers"));
    }
}
