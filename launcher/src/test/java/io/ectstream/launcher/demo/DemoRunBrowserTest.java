package io.ectstream.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.launcher.dashboard.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Short demo runs (a few training steps, tiny evaluations) with headless Chromium on their dashboard:
 * samples and FID must be drawn from what the real services published. The first one's screenshot
 * (target/demo-run-dashboard.png) is the README's.
 */
@Tag("browser")
@Timeout(value = 40, unit = TimeUnit.MINUTES) // the README's screenshot run waits up to 25 minutes on the page
class DemoRunBrowserTest {

    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    /**
     * The README's screenshot: with -Dectstream.demo.screenshot=FILE this test runs the demo as a user does (all
     * defaults, several minutes) and saves the dashboard to FILE once the last checkpoint is scored.
     */
    private static final String README_SCREENSHOT = System.getProperty("ectstream.demo.screenshot");

    /**
     * The default demo: the shipped tuned model is served to users from the start, its 1- and 2-step samples and FID
     * at the top beside the shipped teacher's; a short ECT run from the teacher is drawn between the two.
     */
    @Test
    void dashboardServesTheShippedModelAndDrawsTheTuningRun() throws Exception {
        Path runDir = Path.of("target", "demo-run").toAbsolutePath();
        List<String> args = new ArrayList<>(List.of(
                "--config",
                REPO.resolve("configs/demo-tune.yaml").toString(),
                "--teacher",
                REPO.resolve("models/fashion-teacher.ckpt").toString(),
                "--served-model",
                REPO.resolve("models/fashion-ect.ckpt").toString(),
                "--feature-net",
                REPO.resolve("models/fashion-mnist.feature-net").toString(),
                "--reference-stats",
                REPO.resolve("models/fashion-mnist-train.reference-stats").toString(),
                "--dashboard-port",
                "0",
                "--run-dir",
                runDir.toString(),
                "--linger-seconds",
                "120",
                "--settle-seconds",
                "300"));
        if (README_SCREENSHOT == null) {
            args.addAll(List.of(
                    "--user-rate",
                    "1",
                    "--set",
                    "ect.kimg=0.32",
                    "--set",
                    "checkpoint.everySteps=5",
                    "--set",
                    "log.everySteps=5",
                    "--eval-samples",
                    "16"));
        }
        var served = CheckpointReader.readMetadata(REPO.resolve("models/fashion-ect.ckpt"));
        String servedRun = served.runId();
        long servedStep = served.step();
        String table = runWithBrowser(runDir, args.toArray(String[]::new), browser -> {
            // the served model's 1- and 2-step samples, captioned, at the top of the page
            browser.await("document.querySelectorAll('#served-samples .grid-box').length === 2", 600_000);
            String captions = (String) browser.evaluate("document.getElementById('served-samples').textContent");
            assertTrue(
                    captions.contains(servedRun + " step " + servedStep + " · ECT 1-step, 1 NFE")
                            && captions.contains(servedRun + " step " + servedStep + " · ECT 2-step, 2 NFE"),
                    captions);
            // its FID rows beside the teacher's Heun (and the teacher's own 1 and 2 steps)
            browser.await("document.querySelectorAll('#served-fid tr.served').length === 2", 600_000);
            browser.await("document.querySelectorAll('#served-fid tr.teacher').length === 3", 600_000);
            assertTrue(
                    ((String) browser.evaluate("document.getElementById('served-fid').textContent")).contains("Heun"),
                    "the teacher's Heun row is beside the served model's");
            browser.await("document.querySelectorAll('line.target-line').length === 2", 600_000);
            browser.await("document.querySelectorAll('line.teacher-line').length >= 3", 600_000);
            browser.await("document.querySelectorAll('circle.fid-point').length >= 2", 600_000);
            assertTrue(
                    ((String) browser.evaluate("document.getElementById('fid-legend').textContent"))
                            .contains("teacher Heun"),
                    "the teacher's Heun FID is in the legend");
            if (README_SCREENSHOT != null) {
                browser.await("document.getElementById('training').textContent.includes('ETA 0 s')", 900_000);
                // every checkpoint of configs/demo-tune.yaml (60 steps, one every 12) scored with 1 and 2 steps
                browser.await("document.querySelectorAll('circle.fid-point').length >= 10", 600_000);
                browser.await("document.querySelectorAll('#served-samples img.sample').length === 128", 600_000);
                Thread.sleep(3000);
                browser.screenshot(Path.of(README_SCREENSHOT).toAbsolutePath());
            }
        });
        assertTrue(
                table.lines()
                        .anyMatch(
                                line -> line.matches("\\| demo-run \\| \\d+ \\| [0-9.]+ \\| ECT \\|.*\\d+\\.\\d\\d.*")),
                "fid.md scores the tuning run:\n" + table);
        assertTrue(
                table.lines()
                        .anyMatch(line -> line.matches("\\| " + java.util.regex.Pattern.quote(servedRun) + " \\| "
                                + servedStep + " \\| [0-9.]+ \\| ECT \\|( \\d+\\.\\d\\d \\|){2} - \\|  \\|")),
                "fid.md scores the served model (run " + servedRun + ") with 1 and 2 steps:\n" + table);
        // the shipped teacher's row carries the run id recorded in its checkpoint
        String teacherRun = CheckpointReader.readMetadata(REPO.resolve("models/fashion-teacher.ckpt"))
                .runId();
        assertTrue(
                table.lines()
                        .anyMatch(line -> line.matches("\\| " + java.util.regex.Pattern.quote(teacherRun)
                                + " \\| \\d+ \\| [0-9.]+ \\| PRETRAIN \\|( \\d+\\.\\d\\d \\|){3}  \\|")),
                "fid.md scores the teacher (run " + teacherRun + ") with 1 and 2 steps and Heun:\n" + table);
    }

    /** --from-scratch: diffusion pretraining, then ECT, in one run; no teacher is shipped in. */
    @Test
    void fromScratchPretrainsThenTunes() throws Exception {
        Path runDir = Path.of("target", "demo-run-scratch").toAbsolutePath();
        String[] args = {
            "--from-scratch",
            "--config",
            REPO.resolve("configs/demo.yaml").toString(),
            "--served-model",
            REPO.resolve("models/fashion-ect.ckpt").toString(),
            "--feature-net",
            REPO.resolve("models/fashion-mnist.feature-net").toString(),
            "--reference-stats",
            REPO.resolve("models/fashion-mnist-train.reference-stats").toString(),
            "--set",
            "pretrain.kimg=0.3",
            "--set",
            "ect.kimg=0.2",
            "--set",
            "checkpoint.everySteps=5",
            "--set",
            "log.everySteps=5",
            "--eval-samples",
            "16",
            "--user-rate",
            "1",
            "--dashboard-port",
            "0",
            "--run-dir",
            runDir.toString(),
            "--linger-seconds",
            "120",
            "--settle-seconds",
            "90"
        };
        String table = runWithBrowser(runDir, args, browser -> {
            browser.await("document.querySelectorAll('circle.fid-point').length > 0", 240_000);
            assertEquals(
                    0.0,
                    ((Number) browser.evaluate("document.querySelectorAll('line.teacher-line').length")).doubleValue(),
                    "a run's own pretraining checkpoints are points, not teacher lines");
        });
        assertTrue(
                table.lines()
                        .anyMatch(line -> line.matches(
                                "\\| demo-run-scratch \\| \\d+ \\| [0-9.]+ \\| (PRETRAIN|ECT) \\|.*\\d+\\.\\d\\d.*")),
                "fid.md has a scored checkpoint:\n" + table);
        String teacherRun = CheckpointReader.readMetadata(REPO.resolve("models/fashion-teacher.ckpt"))
                .runId();
        assertTrue(!table.contains("| " + teacherRun + " |"), "no shipped teacher in a run from scratch:\n" + table);
    }

    interface BrowserChecks {
        void run(HeadlessChromium browser) throws Exception;
    }

    /** Runs the demo, checks its dashboard in Chromium (samples, training progress, then {@code checks}), returns fid.md. */
    private static String runWithBrowser(Path runDir, String[] args, BrowserChecks checks) throws Exception {
        deleteRecursively(runDir);
        DemoCommand demo = new DemoCommand();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exit = runner.submit(() -> new CommandLine(demo).execute(args));
            long deadline = System.currentTimeMillis() + 120_000;
            while (demo.dashboardPort() < 0) {
                assertTrue(
                        System.currentTimeMillis() < deadline && !exit.isDone(), "the demo never opened its dashboard");
                Thread.sleep(200);
            }
            assertTrue(
                    Files.isExecutable(HeadlessChromium.BINARY),
                    "headless Chromium is needed (.ci/run installs Debian's chromium)");
            try (HeadlessChromium browser = HeadlessChromium.open("http://127.0.0.1:" + demo.dashboardPort() + "/")) {
                browser.await("document.querySelectorAll('img.sample').length > 0", 240_000);
                checks.run(browser);
                assertTrue(
                        ((String) browser.evaluate("document.getElementById('training').textContent")).contains("kimg"),
                        "training progress is shown");
                browser.screenshot(runDir.resolveSibling(runDir.getFileName() + "-dashboard.png"));
            }
            demo.stop();
            assertEquals(0, exit.get(180, TimeUnit.SECONDS));
            try (Stream<Path> grids = Files.list(runDir.resolve("samples"))) {
                assertTrue(grids.anyMatch(p -> p.toString().endsWith(".png")), "sample grids are written");
            }
            return Files.readString(runDir.resolve("fid.md"));
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
