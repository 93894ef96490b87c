package io.ectstream.platform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Issue 22: every flag from ECTSTREAM_<FLAG_IN_UPPER_SNAKE>; the command line wins, then the variable, then the default. */
class EnvironmentDefaultsTest {

    @Command(name = "svc", mixinStandardHelpOptions = true)
    static final class Svc implements Runnable {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--drain-timeout-s", defaultValue = "30")
        long drain;

        @Option(names = "--ops-port")
        Integer opsPort;

        @Option(names = "--topic-check", negatable = true, defaultValue = "true", fallbackValue = "true")
        boolean topicCheck;

        @Option(names = {"-o", "--out-dir"})
        String out = "initial";

        @Override
        public void run() {}
    }

    private static Svc parse(Map<String, String> env, String... args) {
        Svc svc = new Svc();
        new CommandLine(svc)
                .setDefaultValueProvider(new EnvironmentDefaults(env))
                .parseArgs(args);
        return svc;
    }

    @Test
    void theVariableNameIsTheLongestFlagNameInUpperSnakeCase() {
        assertEquals("ECTSTREAM_BOOTSTRAP_SERVERS", EnvironmentDefaults.variable("--bootstrap-servers"));
        assertEquals("ECTSTREAM_OPS_PORT", EnvironmentDefaults.variable("--ops-port"));
    }

    @Test
    void environmentSetsWhatTheCommandLineDoesNotGive() {
        Svc svc = parse(Map.of(
                "ECTSTREAM_BOOTSTRAP_SERVERS", "kafka-1:9093",
                "ECTSTREAM_DRAIN_TIMEOUT_S", "5",
                "ECTSTREAM_OPS_PORT", "9400",
                "ECTSTREAM_TOPIC_CHECK", "false",
                "ECTSTREAM_OUT_DIR", "from-env"));
        assertEquals("kafka-1:9093", svc.kafka.bootstrapServers());
        assertEquals(5, svc.drain);
        assertEquals(9400, svc.opsPort);
        assertFalse(svc.topicCheck);
        assertEquals("from-env", svc.out);
    }

    @Test
    void commandLineWinsOverEnvironmentWhichWinsOverDefaults() {
        Map<String, String> env = Map.of("ECTSTREAM_BOOTSTRAP_SERVERS", "env:1", "ECTSTREAM_DRAIN_TIMEOUT_S", "5");
        Svc svc = parse(env, "--bootstrap-servers", "cli:2", "--drain-timeout-s", "7");
        assertEquals("cli:2", svc.kafka.bootstrapServers());
        assertEquals(7, svc.drain);

        Svc defaults = parse(Map.of());
        assertNull(defaults.kafka.bootstrapServers());
        assertEquals(30, defaults.drain);
        assertNull(defaults.opsPort);
        assertEquals("initial", defaults.out);
    }

    @Test
    void helpFlagsHaveNoVariable() {
        Svc svc = new Svc();
        CommandLine cmd =
                new CommandLine(svc).setDefaultValueProvider(new EnvironmentDefaults(Map.of("ECTSTREAM_HELP", "true")));
        cmd.parseArgs();
        assertFalse(cmd.isUsageHelpRequested());
    }

    /** ECTSTREAM_KAFKA_CONFIG and _PROPERTY are the variables of --kafka-config and --kafka-property, not properties. */
    @Test
    void kafkaFlagVariablesAreNotTakenForClientProperties() {
        KafkaClientSettings settings = KafkaClientSettings.builder()
                .environment(Map.of(
                        "ECTSTREAM_KAFKA_CONFIG", "/etc/x.properties",
                        "ECTSTREAM_KAFKA_PROPERTY", "a=b",
                        "ECTSTREAM_KAFKA_SECURITY_PROTOCOL", "SSL"))
                .build();
        assertEquals("SSL", settings.clientProperties().get("security.protocol"));
        assertFalse(settings.clientProperties().containsKey("config"));
        assertFalse(settings.clientProperties().containsKey("property"));
    }
}
