package io.ectstream.evaluator.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The evaluator's start-up check names the topics that are missing, on the real broker. */
@BrokerTest
class EvaluateMissingTopicsTest {
    @TempDir
    Path dir;

    @Test
    void evaluateSaysPreciselyWhichTopicIsMissing(KafkaCluster kafka) throws Exception {
        kafka.createTopics(1, "ec.results", "ec.fid");
        Path stats = dir.resolve("ref.ectref");
        try (var extractor = ExtractorSpec.open("random-projection:8:1", ExtractorSpec.parseShape("1x4x4"))) {
            Moments moments = new Moments(8, 2, new double[8], new double[Moments.packedSize(8)]);
            ReferenceStatistics.of(extractor.id(), "test", moments).write(stats);
        }
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--results-topic",
                "ec.results",
                "--fid-topic",
                "ec.fid",
                "--errors-topic",
                "ec.errors",
                "--checkpoints-topic",
                "ec.checkpoints",
                "--extractor",
                "random-projection:8:1",
                "--image-shape",
                "1x4x4",
                "--reference-stats",
                stats.toString(),
                "--state-dir",
                dir.resolve("state").toString());
        String said = out.toString();
        assertTrue(code != 0, said);
        assertTrue(
                said.contains("evaluator cannot start") && said.contains("has no topic ec.checkpoints, ec.errors"),
                said);
    }
}
