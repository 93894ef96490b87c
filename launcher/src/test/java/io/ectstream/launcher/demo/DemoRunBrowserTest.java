package io.ectstream.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.launcher.dashboard.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A short demo run (a few training steps, tiny evaluations) with headless Chromium on its dashboard:
 * samples and at least one FID point must be drawn from what the real services published.
 */
class DemoRunBrowserTest {

    @Test
    void dashboardDrawsSamplesAndFidDuringAShortDemo() throws Exception {
        Path repo = Path.of(System.getProperty("ectstream.repo.root", "..")).toAbsolutePath().normalize();
        Path runDir = Path.of("target", "demo-run").toAbsolutePath();
        deleteRecursively(runDir);
        DemoCommand demo = new DemoCommand();
        String[] args = {
            "--config", repo.resolve("configs/demo.yaml").toString(),
            "--set", "pretrain.kimg=0.3", "--set", "ect.kimg=0.2", "--set", "checkpoint.everySteps=5",
            "--set", "log.everySteps=5",
            "--eval-samples", "16", "--user-rate", "2", "--dashboard-port", "0",
            "--run-dir", runDir.toString(), "--cache-dir", Path.of("target", "demo-cache").toAbsolutePath().toString(),
            "--linger-seconds", "120", "--settle-seconds", "90"};
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exit = runner.submit(() -> new CommandLine(demo).execute(args));
            long deadline = System.currentTimeMillis() + 120_000;
            while (demo.dashboardPort() < 0) {
                assertTrue(System.currentTimeMillis() < deadline && !exit.isDone(), "the demo never opened its dashboard");
                Thread.sleep(200);
            }
            assertTrue(Files.isExecutable(HeadlessChromium.BINARY), "headless Chromium is needed (.ci/run installs Debian's chromium)");
            try (HeadlessChromium browser = HeadlessChromium.open("http://127.0.0.1:" + demo.dashboardPort() + "/")) {
                browser.await("document.querySelectorAll('img.sample').length > 0", 240_000);
                browser.await("document.querySelectorAll('circle.fid-point').length > 0", 240_000);
                assertTrue(((String) browser.evaluate("document.getElementById('training').textContent")).contains("kimg"),
                    "training progress is shown");
                browser.screenshot(Path.of("target", "demo-dashboard.png").toAbsolutePath());
            }
            demo.stop();
            assertEquals(0, exit.get(180, TimeUnit.SECONDS));
            String table = Files.readString(runDir.resolve("fid.md"));
            assertTrue(table.lines().anyMatch(line -> line.matches("\\| \\d+ \\| [0-9.]+ \\| (PRETRAIN|ECT) \\|.*\\d+\\.\\d\\d.*")),
                "fid.md has a scored checkpoint:\n" + table);
            try (Stream<Path> grids = Files.list(runDir.resolve("samples"))) {
                assertTrue(grids.anyMatch(p -> p.toString().endsWith(".png")), "sample grids are written");
            }
        } finally {
            demo.stop();
            runner.shutdownNow();
            runner.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private static void deleteRecursively(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
