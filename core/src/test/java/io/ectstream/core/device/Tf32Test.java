package io.ectstream.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The switch itself, in fresh JVMs (the mode is fixed once the engine starts, and this test's JVM may have started
 * it): what libc's environment holds afterwards, which is what cuDNN and cuBLAS read.
 */
class Tf32Test {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void offSetsNvidiasOverrideAndOnRemovesItEvenWhenTheEnvironmentHadIt() throws Exception {
        assertEquals("0 allowed=false", probe("false", null));
        assertEquals("unset allowed=true", probe("true", "0"));
        assertEquals("0 allowed=false", probe("false", "1"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withoutApplyTheModeIsWhatTheEnvironmentSays() throws Exception {
        assertEquals("allowed=false", probe("none", "0"));
        assertEquals("allowed=true", probe("none", null));
    }

    private static String probe(String allowed, String inherited) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName(),
                        allowed))
                .redirectErrorStream(true);
        if (inherited == null) {
            builder.environment().remove(Tf32.OVERRIDE_ENV);
        } else {
            builder.environment().put(Tf32.OVERRIDE_ENV, inherited);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.waitFor(), output);
        String[] lines = output.split("\n");
        return lines[lines.length - 1].strip();
    }

    private interface LibC extends Library {
        String getenv(String name);
    }

    /** Applies the mode (or not: "none") and prints what libc's environment then holds and the mode in force. */
    public static final class Probe {
        public static void main(String[] args) {
            if (args[0].equals("none")) {
                System.out.println("allowed=" + Tf32.allowed());
                return;
            }
            boolean allowed = Tf32.apply(Boolean.parseBoolean(args[0]));
            String value = Native.load("c", LibC.class).getenv(Tf32.OVERRIDE_ENV);
            System.out.println((value == null ? "unset" : value) + " allowed=" + allowed);
        }
    }
}
