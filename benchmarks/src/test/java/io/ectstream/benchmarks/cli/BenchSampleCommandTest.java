package io.ectstream.benchmarks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ectstream.trainer.testing.TinyRuns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchSampleCommandTest {

    private static String[] run(Path dir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchSampleCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void measuresEveryBatchStepAndPrecisionAndWritesThemAsJson(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, TinyRuns.NETWORK + "runId: tiny\nseed: 3\n");
        Path json = dir.resolve("out/bench.json");
        String[] r = run(
                dir,
                "--config",
                config.toString(),
                "--device",
                "cpu",
                "--batches",
                "1,3",
                "--steps",
                "1,2",
                "--precision",
                "fp32,fp16",
                "--warmup",
                "1",
                "--repeats",
                "2",
                "--json",
                json.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(8, r[1].lines().filter(l -> l.contains("images/s")).count(), r[1]);
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).get("measurements");
        assertEquals(8, rows.size());
        int i = 0;
        for (String precision : new String[] {"fp32", "fp16"}) {
            for (int steps : new int[] {1, 2}) {
                for (int batch : new int[] {1, 3}) {
                    JsonNode row = rows.get(i++);
                    assertEquals(precision, row.get("precision").asText());
                    assertEquals(steps, row.get("steps").asInt());
                    assertEquals(batch, row.get("batch").asInt());
                    assertEquals(2, row.get("repeats").asInt());
                    assertTrue(row.get("imagesPerSecond").asDouble() > 0);
                    assertTrue(row.get("peakGpuBytes").isNull(), "no GPU memory on the CPU");
                }
            }
        }
    }

    /** Two devices at once (two CPU copies here): one row per measurement, images/s counted over both. */
    @Test
    void aDeviceListMeasuresEveryDeviceAtOnce(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, TinyRuns.NETWORK + "runId: tiny\nseed: 3\n");
        Path json = dir.resolve("bench.json");
        String[] r = run(
                dir,
                "--config",
                config.toString(),
                "--device",
                "cpu,cpu",
                "--batches",
                "2",
                "--warmup",
                "0",
                "--repeats",
                "3",
                "--json",
                json.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("on [cpu(), cpu()] at once"), r[1]);
        JsonNode row =
                new ObjectMapper().readTree(json.toFile()).get("measurements").get(0);
        assertEquals(2, row.get("devices").asInt());
        assertEquals("cpu(),cpu()", row.get("device").asText());
        assertEquals(
                2 * 3 * 2 / row.get("seconds").asDouble(),
                row.get("imagesPerSecond").asDouble(),
                1e-6);
    }

    @Test
    void aDeviceBeyondTheVisibleGpusIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, TinyRuns.NETWORK + "runId: tiny\n");
        String[] r = run(dir, "--config", config.toString(), "--device", "gpu:0,0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("gpu:0 is named twice"), r[2]);
    }

    @Test
    void badLaddersAreUsageErrors(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, TinyRuns.NETWORK + "runId: tiny\n");
        String[] steps = run(dir, "--config", config.toString(), "--device", "cpu", "--steps", "3");
        assertEquals("2", steps[0]);
        assertTrue(steps[2].contains("1 or 2 steps"), steps[2]);
        String[] precision = run(dir, "--config", config.toString(), "--device", "cpu", "--precision", "bf16");
        assertEquals("2", precision[0]);
        assertTrue(precision[2].contains("bf16 is not available"), precision[2]);
        String[] missing =
                run(dir, "--checkpoint", dir.resolve("none.ckpt").toString(), "--device", "cpu", "--batches", "1");
        assertEquals("2", missing[0]);
        assertTrue(missing[2].startsWith("error:"), missing[2]);
    }
}
