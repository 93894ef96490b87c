package io.ectstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `ectstream doctor` on this CPU-only machine: reports the CPU engine, and --device gpu fails with the fix. */
class DoctorCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = EctStream.commandLine();
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        DoctorCommand doctor = cli.getSubcommands().get("doctor").getCommand();
        doctor.env = Map.of();
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void reportsTheCpuEngineAndFailsForGpuWithAdviceNamingPytorchLibraryPath() {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "a CPU-only machine");
        Run gpu = run("doctor");
        assertEquals(1, gpu.exit(), gpu.out());
        assertTrue(gpu.out().contains("engine: PyTorch 2.7.1"), gpu.out());
        assertTrue(gpu.out().contains("CUDA build: no"), gpu.out());
        assertTrue(gpu.out().contains("JNI: "), gpu.out());
        assertTrue(gpu.out().contains("GPUs visible to the CUDA runtime: none"), gpu.out());
        assertTrue(gpu.out().contains("threads: intra-op"), gpu.out());
        assertTrue(
                gpu.out().contains("fix: name a CUDA libtorch") && gpu.out().contains("export PYTORCH_LIBRARY_PATH="),
                gpu.out());
        assertTrue(gpu.out().contains("--device gpu: would fail"), gpu.out());

        Run auto = run("doctor", "--device", "auto");
        assertEquals(0, auto.exit(), auto.out());
        assertTrue(auto.out().contains("--device auto: works, on the CPU"), auto.out());
    }

    /** Any command that meets DeviceUnavailableException ends with its message and exit status 3, no stack trace. */
    @Test
    void aCommandAskedForAMissingGpuEndsWithTheAdviceAndNoStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine cli = EctStream.commandLine();
        cli.addSubcommand("needs-gpu", new CommandLine(new NeedsGpu()));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(EctStream.DEVICE_UNAVAILABLE, cli.execute("needs-gpu"));
        assertEquals("error: --device gpu: no usable GPU: fix it" + System.lineSeparator(), err.toString());
    }

    @CommandLine.Command(name = "needs-gpu")
    static final class NeedsGpu implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new io.ectstream.core.device.DeviceUnavailableException("--device gpu: no usable GPU: fix it");
        }
    }
}
