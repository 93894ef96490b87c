package io.ectstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Issue 22: the root command line reads every flag's ECTSTREAM_* variable; Kafka that does not answer is one line. */
class EctStreamTest {

    @Test
    void everySubcommandReadsItsFlagsFromTheEnvironment() {
        CommandLine root = EctStream.commandLine(Map.of(
                "ECTSTREAM_BOOTSTRAP_SERVERS", "kafka-9:9093",
                "ECTSTREAM_OPS_PORT", "9400",
                "ECTSTREAM_SAMPLES", "77"));
        root.parseArgs("evaluation-driver", "--samples", "12");
        CommandLine driver = root.getSubcommands().get("evaluation-driver");
        assertEquals(
                "kafka-9:9093",
                driver.getCommandSpec().findOption("--bootstrap-servers").getValue());
        assertEquals(
                9400, (Integer) driver.getCommandSpec().findOption("--ops-port").getValue());
        assertEquals(
                12, (Integer) driver.getCommandSpec().findOption("--samples").getValue(), "the command line wins");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kafkaThatDoesNotAnswerIsOneLineAndStatusFour() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StringWriter err = new StringWriter();
        CommandLine root = EctStream.commandLine(Map.of()).setErr(new PrintWriter(err, true));
        int exit = root.execute("topics", "describe", "--bootstrap-servers", "127.0.0.1:" + port, "--timeout-s", "1");
        assertEquals(EctStream.KAFKA_UNREACHABLE, exit, err.toString());
        String[] lines = err.toString().strip().split("\n");
        assertEquals(1, lines.length, err.toString());
        assertTrue(lines[0].startsWith("error: "), lines[0]);
        assertTrue(lines[0].contains("127.0.0.1:" + port), lines[0]);
        assertFalse(err.toString().contains("\tat "), "no stack trace");
    }
}
