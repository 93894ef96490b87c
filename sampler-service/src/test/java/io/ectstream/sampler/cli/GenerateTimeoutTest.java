package io.ectstream.sampler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 22: `generate` against a broker where no sampler runs ends with one line and exit status 4, no stack trace. */
@BrokerTest
class GenerateTimeoutTest {

    @Test
    void noAnswerIsOneLineAndExitStatusFour(KafkaCluster kafka, @TempDir Path out) {
        Topics topics = Topics.defaults();
        kafka.createTopics(1, topics.requests(), topics.results(), topics.errors());
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new GenerateCommand())
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--bootstrap-servers", kafka.bootstrapServers(),
                        "--run", "nobody-serves-this",
                        "--count", "1",
                        "--out", out.toString(),
                        "--timeout-s", "1");

        assertEquals(GenerateCommand.NO_ANSWER, exit);
        String[] lines = err.toString().strip().split("\n");
        assertEquals(1, lines.length, err.toString());
        assertTrue(lines[0].startsWith("error: no answer to request cli-"), lines[0]);
        assertTrue(lines[0].contains("is a sampler running and serving run nobody-serves-this?"), lines[0]);
        assertFalse(err.toString().contains("\tat "), "no stack trace");
    }
}
