package io.ectstream.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.testing.RecordingEvents;
import io.ectstream.trainer.testing.TinyRuns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandsTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."));

    @Test
    void modelInfoCountsTheReferenceCifar10Network() {
        ModelInfoCommand command = new ModelInfoCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        command.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code = new CommandLine(command)
                .execute("--config", REPO.resolve("configs/cifar10.yaml").toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code);
        // the reference DDPM++ CIFAR-10 count (docs/ECT.md §3)
        assertTrue(
                text.contains("total parameters: 55,732,739"),
                text.lines().reduce((a, b) -> b).orElse(""));
        assertTrue(text.contains("conv"), "layer table rows");
    }

    @Test
    void badConfigurationIsAUsageErrorNotACrash(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, TinyRuns.NETWORK);
        assertEquals(
                2, new CommandLine(new TrainCommand()).execute("--config", config.toString(), "--set", "ect.batch=0"));
        assertEquals(
                2,
                new CommandLine(new PipelineCommand()).execute("--config", config.toString()),
                "pipeline needs both phases");
        assertEquals(2, new CommandLine(new TrainCommand()).execute("--config", config.toString(), "--device", "tpu"));
    }

    /** pipeline from a PNG folder to a tuned model; running it again resumes, finds it done and announces nothing twice. */
    @Test
    void pipelineCommandTrainsBothPhasesAndResumesWithoutRepeatingEvents(@TempDir Path dir) throws Exception {
        Path config = tinyConfig(dir, 0.016, 0.012, 3);
        Path runDir = dir.resolve("store").resolve("cli-run");
        String[] args = {"--config", config.toString(), "--run-dir", runDir.toString(), "--device", "cpu"};

        RecordingEvents first = new RecordingEvents();
        assertEquals(0, new CommandLine(new PipelineCommand(first)).execute(args));
        assertEquals(
                List.of(3L, 4L, 6L, 7L),
                first.checkpoints.stream().map(CheckpointEvent::getStep).toList());
        assertEquals(
                List.of(Phase.PRETRAIN, Phase.PRETRAIN, Phase.ECT, Phase.ECT),
                first.checkpoints.stream().map(CheckpointEvent::getPhase).toList());
        assertTrue(first.checkpoints.stream()
                .allMatch(e ->
                        e.getRunId().equals("cli-run") && e.getCheckpointUri().startsWith("cli-run/step-")));
        assertTrue(Files.exists(runDir.resolve("step-000000007.ckpt")));

        RecordingEvents second = new RecordingEvents();
        assertEquals(0, new CommandLine(new PipelineCommand(second)).execute(args));
        assertEquals(List.of(), second.checkpoints, "a finished run announces nothing again");
    }

    /** The demo's flow: a teacher exported to its EMA weights is a valid --init for ECT tuning in a new run. */
    @Test
    void exportedWeightsInitialiseAnEctRun(@TempDir Path dir) throws Exception {
        Path config = tinyConfig(dir, 0.008, 0.008, 2);
        Path teacherRun = dir.resolve("store").resolve("teacher");
        assertEquals(
                0,
                new CommandLine(new TrainCommand(new RecordingEvents()))
                        .execute(
                                "--config",
                                config.toString(),
                                "--run-dir",
                                teacherRun.toString(),
                                "--device",
                                "cpu",
                                "--phase",
                                "pretrain"));
        Path full = teacherRun.resolve("step-000000002.ckpt");
        Path exported = dir.resolve("models").resolve("teacher.ckpt");

        assertEquals(
                0,
                new CommandLine(new ExportWeightsCommand())
                        .execute("--checkpoint", full.toString(), "--out", exported.toString()));
        String sha = io.ectstream.core.checkpoint.CheckpointReader.sha256Hex(exported);
        assertEquals(sha + "  teacher.ckpt\n", Files.readString(exported.resolveSibling("teacher.ckpt.sha256")));
        assertTrue(Files.size(exported) * 2 < Files.size(full));

        RecordingEvents tuning = new RecordingEvents();
        assertEquals(
                0,
                new CommandLine(new TrainCommand(tuning))
                        .execute(
                                "--config",
                                config.toString(),
                                "--run-dir",
                                dir.resolve("store").resolve("tuned").toString(),
                                "--device",
                                "cpu",
                                "--init",
                                exported.toString()));
        assertEquals(
                List.of(2L),
                tuning.checkpoints.stream().map(CheckpointEvent::getStep).toList());
        assertEquals(Phase.ECT, tuning.checkpoints.get(0).getPhase());

        assertEquals(
                2,
                new CommandLine(new ExportWeightsCommand())
                        .execute(
                                "--checkpoint",
                                dir.resolve("missing.ckpt").toString(),
                                "--out",
                                dir.resolve("x.ckpt").toString()));
    }

    /** A tiny run on eight PNG images: both phases at batch 4, ECT stages of 2 iterations. */
    private static Path tinyConfig(Path dir, double pretrainKimg, double ectKimg, int checkpointEvery)
            throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(
                config,
                TinyRuns.NETWORK
                        + "data: {kind: png-folder, path: " + pngFolder(dir) + "}\n"
                        + "pretrain: {kimg: " + pretrainKimg + ", batch: 4}\n"
                        + "ect: {kimg: " + ectKimg + ", batch: 4, stageLength: 2}\n"
                        + "checkpoint: {everySteps: " + checkpointEvery + "}\nlog: {everySteps: 1}\n");
        return config;
    }

    /** Eight tiny training images as a PNG folder. */
    private static Path pngFolder(Path dir) throws Exception {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        var data = TinyRuns.dataset(8);
        for (int i = 0; i < data.size(); i++) {
            Files.write(
                    images.resolve(String.format("img%02d.png", i)),
                    ImageCodec.toPng(data.image(i), new ImageShape(1, 8, 8)));
        }
        return images;
    }
}
