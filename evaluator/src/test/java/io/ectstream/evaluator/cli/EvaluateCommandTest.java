package io.ectstream.evaluator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.evaluator.stream.ReportSchedule;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EvaluateCommandTest {
    private static final String[] REQUIRED = {"--extractor", "random-projection:8", "--reference-stats", "ref.json"};

    private static EvaluatorConfig parse(String... args) {
        EvaluateCommand evaluate = new EvaluateCommand();
        String[] all = new String[REQUIRED.length + args.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(args, 0, all, REQUIRED.length, args.length);
        new CommandLine(evaluate).parseArgs(all);
        return evaluate.config();
    }

    @Test
    void withoutFlagsItRunsTheConfigDefaults() {
        EvaluatorConfig config = parse();
        assertEquals(EvaluatorConfig.defaults(config.client()), config);
        assertEquals("ect-evaluator", config.applicationId());
        assertEquals(new ReportSchedule(1000, 5000), config.schedule());
        assertEquals(64, config.featureBatchSize());
        assertEquals(Path.of("state/evaluator"), config.streams().stateDir());
        assertEquals(64 * 1024 * 1024, config.streams().maxMessageBytes());
        assertEquals("ect.checkpoints", config.topics().checkpoints());
        String help = new CommandLine(new EvaluateCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(help.contains("Default: ect.generate.results."), help);
        assertTrue(help.contains("Images per feature batch (default 64)."), help);
        assertTrue(help.contains("reports (default 1000)."), help);
    }

    @Test
    void flagsLandInTheirParts() {
        EvaluatorConfig config = parse(
                "--bootstrap-servers",
                "h:1",
                "--application-id",
                "app",
                "--results-topic",
                "r",
                "--checkpoints-topic",
                "none",
                "--fid-topic",
                "f",
                "--errors-topic",
                "e",
                "--report-every",
                "10",
                "--window",
                "30",
                "--state-dir",
                "s",
                "--batch-size",
                "8",
                "--max-message-bytes",
                "2097152",
                "--kafka-property",
                "client.id=ev");
        assertEquals(
                Map.of("bootstrap.servers", "h:1", "client.id", "ev"),
                config.client().properties());
        assertEquals("app", config.applicationId());
        assertEquals(
                new Topics(Map.of(TopicRole.RESULTS, "r", TopicRole.FID, "f", TopicRole.ERRORS, "e")), config.topics());
        assertFalse(config.topics().has(TopicRole.CHECKPOINTS), "'none': reports carry no imagesSeen");
        assertEquals(new ReportSchedule(10, 30), config.schedule());
        assertEquals(8, config.featureBatchSize());
        assertEquals(new EvaluatorConfig.Streams(Path.of("s"), 2 * 1024 * 1024, Map.of()), config.streams());
        IllegalArgumentException small =
                assertThrows(IllegalArgumentException.class, () -> parse("--max-message-bytes", "1000"));
        assertEquals("max message bytes below 1 MiB: 1000", small.getMessage());
    }
}
