package io.ectstream.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A model the demo cannot find is the user's to fix: one line and status 2, before any broker starts. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void aMissingServedModelIsOneLineAndStatusTwo() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new DemoCommand())
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--served-model",
                        dir.resolve("no-such.ckpt").toString(),
                        "--device",
                        "cpu",
                        "--run-dir",
                        dir.resolve("run").toString());
        assertEquals(2, exit, err.toString());
        String[] lines = err.toString().strip().split("\n");
        assertEquals(1, lines.length, err.toString());
        assertTrue(lines[0].startsWith("error: served model ") && lines[0].contains("--served-model none"), lines[0]);
        assertFalse(err.toString().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(dir.resolve("run/kafka")), "no broker was started");
    }
}
