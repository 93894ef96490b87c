package io.ectstream.trainer.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training pass reads only memory it wrote. The same short run in fresh JVMs must give the same bits, also when
 * every fresh native allocation starts out as NaN bytes (an LD_PRELOAD shim, src/test/native/nanfill.c, built here
 * with gcc): a value read from memory nothing wrote then shows up as NaN gradients or as different weights.
 */
class NativeMemoryTest {
    private static final Path SHIM_SOURCE = Path.of("src", "test", "native", "nanfill.c");

    record RunResult(String weightsSha256, long nonFiniteGradientValues) {}

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aShortRunGivesTheSameBitsInFreshJvmsAndWhenEveryAllocationStartsAsNaN(@TempDir Path dir) throws Exception {
        Path shim = buildShim(dir);
        RunResult first = run(dir.resolve("first"), Map.of());
        RunResult second = run(dir.resolve("second"), Map.of());
        RunResult nanFilled = run(dir.resolve("nan-filled"), Map.of("LD_PRELOAD", shim.toString()));

        assertEquals(0, first.nonFiniteGradientValues(), "no gradient value was NaN or infinite");
        assertEquals(first, second, "two fresh JVMs trained the same weights");
        assertEquals(first, nanFilled, "NaN-filled fresh allocations changed nothing");
    }

    private static Path buildShim(Path dir) throws IOException, InterruptedException {
        Path shim = dir.resolve("libnanfill.so");
        Process gcc;
        try {
            gcc = new ProcessBuilder(
                            "gcc", "-O2", "-shared", "-fPIC", "-o", shim.toString(), SHIM_SOURCE.toString(), "-ldl")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is needed to build the NaN-fill shim: " + e.getMessage());
            throw e;
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), "gcc failed: " + output);
        return shim;
    }

    private static RunResult run(Path store, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Files.createDirectories(store);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                ShortTrainingRun.class.getName(),
                store.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "the run in a fresh JVM failed:\n" + output);
        String line = output.lines()
                .filter(l -> l.startsWith(ShortTrainingRun.RESULT_PREFIX))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result line in:\n" + output));
        assertTrue(line.contains("step=20 "), line);
        String sha = line.replaceFirst(".* weights-sha256=(\\S+).*", "$1");
        long replaced = Long.parseLong(line.replaceFirst(".* nonfinite-gradient-values=(\\d+).*", "$1"));
        return new RunResult(sha, replaced);
    }
}
