package io.ectstream.benchmarks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The training numerics on a GPU: in a fresh process (the switch is read once, when cuDNN starts) a float32
 * convolution agrees with float64 to float32's precision by default and only to TF32's with {@code --tf32}.
 * Skipped where DJL sees no GPU, as in CI; on the GPU machine the same runs as
 * {@code ectstream gpu-selftest --numerics-only [--tf32]}.
 */
@Tag("gpu")
class Tf32ModeTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void convolutionsRunInFullFloat32UnlessTf32IsAllowed() throws Exception {
        assumeTrue(GpuSelfTest.gpuVisible(), "no GPU visible to DJL (CI has none): the gpu-tagged checks are skipped");
        Run off = selfTest();
        assertEquals(0, off.exit(), off.output());
        assertTrue(off.output().contains("PASS 3x3 convolution") && off.output().contains("(TF32 off)"), off.output());
        Run on = selfTest("--tf32");
        assertEquals(0, on.exit(), on.output());
        assertTrue(on.output().contains("PASS 3x3 convolution") && on.output().contains("(TF32 on"), on.output());
    }

    record Run(int exit, String output) {}

    /** gpu-selftest --numerics-only in a JVM of its own, on this test's class path and environment. */
    private static Run selfTest(String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--numerics-only"));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.environment().remove("NVIDIA_TF32_OVERRIDE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    /** The forked process: the hidden command, as the jar runs it. */
    public static final class Main {
        public static void main(String[] args) {
            System.exit(new CommandLine(new GpuSelfTestCommand()).execute(args));
        }
    }
}
