package io.ectstream.fidtools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.Precision;
import io.ectstream.evaluator.driver.TinyCheckpoint;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.fidtools.score.ScoreResult;
import io.ectstream.fidtools.score.ScoreResultsFile;
import io.ectstream.schemas.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScoreCommandTest {
    @Test
    void scoresEachSamplerPrintsALineAppendsResultsAndWritesGrids(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve(
                TinyCheckpoint.write(dir, "teacher", 3, Phase.PRETRAIN, 2).getCheckpointUri());
        ImageShape shape = new ImageShape(1, 8, 8);
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(shape, 4, 9);
        Random random = new Random(1);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] image = new byte[shape.pixels()];
            random.nextBytes(image);
            images.add(image);
        }
        Moments moments = new Moments(4);
        moments.addAll(extractor.extract(ImageBatch.of(shape, images)));
        Path stats = dir.resolve("ref.ectref");
        ReferenceStatistics.of(extractor.id(), "random", moments).write(stats);
        Path results = dir.resolve("results.jsonl");

        String out = CommandsTest.run(
                new ScoreCommand(),
                "--checkpoint",
                checkpoint.toString(),
                "--sampler",
                "heun,ect2",
                "--samples",
                "6",
                "--batch-size",
                "4",
                "--seed",
                "5",
                "--extractor",
                "random-projection:4:9",
                "--reference-stats",
                stats.toString(),
                "--grid-dir",
                dir.resolve("grids").toString(),
                "--results",
                results.toString(),
                "--device",
                "cpu");

        List<ScoreResult> written = ScoreResultsFile.read(results);
        // the given samplers replace the default (ect1,ect2), in the given order
        assertEquals(
                List.of("heun35", "ect2"),
                written.stream().map(ScoreResult::sampler).toList());
        assertEquals(2, out.lines().count(), out);
        for (ScoreResult r : written) {
            assertEquals("PRETRAIN", r.phase());
            assertEquals(6, r.samples());
            assertEquals(5, r.seed());
            assertTrue(
                    out.contains(r.sampler() + ": FID " + String.format(java.util.Locale.ROOT, "%.4f", r.fid())), out);
            assertTrue(Files.size(dir.resolve("grids/teacher-step000000003-" + r.sampler() + ".png")) > 0);
        }
    }

    @Test
    void studentWeightsOfATrainingCheckpointAreScoredAndNamedInTheLineAndResults(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve(
                TinyCheckpoint.write(dir, "tuned", 4, Phase.ECT, 2, 3L).getCheckpointUri());
        Path stats = referenceStats(dir);
        Path results = dir.resolve("results.jsonl");
        String out = CommandsTest.run(
                new ScoreCommand(),
                "--checkpoint",
                checkpoint.toString(),
                "--sampler",
                "ect2",
                "--samples",
                "6",
                "--weights",
                "student",
                "--extractor",
                "random-projection:4:9",
                "--reference-stats",
                stats.toString(),
                "--results",
                results.toString(),
                "--device",
                "cpu");
        ScoreResult r = ScoreResultsFile.read(results).get(0);
        assertEquals("student", r.weights());
        assertTrue(
                out.contains("ect2 (student weights): FID " + String.format(java.util.Locale.ROOT, "%.4f", r.fid())),
                out);
    }

    /** Checkpoints x weights x t_mid in one process: every combination once, each equal to its own single run. */
    @Test
    void severalCheckpointsWeightsAndTMidsAreScoredInOneRunAsEachAlone(@TempDir Path dir) throws Exception {
        Path first = dir.resolve(
                TinyCheckpoint.write(dir, "tuned", 4, Phase.ECT, 2, 3L).getCheckpointUri());
        Path second = dir.resolve(
                TinyCheckpoint.write(dir, "tuned", 8, Phase.ECT, 2, 5L).getCheckpointUri());
        Path stats = referenceStats(dir);
        Path together = dir.resolve("together.jsonl");
        ScoreCommand command = new ScoreCommand();
        Map<String, Integer> loads = new ConcurrentHashMap<>();
        command.loaders = (device, weights) -> {
            ModelLoader real = new CheckpointModelLoader(device, false, Precision.FP32, weights);
            return new ModelLoader() {
                @Override
                public ImageGenerator load(Path file, CheckpointExpectation expected) throws CheckpointException {
                    loads.merge(file.getFileName() + " " + weights, 1, Integer::sum);
                    return real.load(file, expected);
                }

                @Override
                public String weights() {
                    return real.weights();
                }
            };
        };
        CommandsTest.run(
                command,
                "--checkpoint",
                first + "," + second,
                "--sampler",
                "ect1,ect2",
                "--samples",
                "6",
                "--weights",
                "ema,student",
                "--t-mid",
                "0.4,1.2",
                "--extractor",
                "random-projection:4:9",
                "--reference-stats",
                stats.toString(),
                "--results",
                together.toString(),
                "--device",
                "cpu");
        List<ScoreResult> all = ScoreResultsFile.read(together);
        // each checkpoint's weights are loaded once, every t_mid scored on them
        assertEquals(
                Map.of(
                        first.getFileName() + " ema", 1,
                        first.getFileName() + " student", 1,
                        second.getFileName() + " ema", 1,
                        second.getFileName() + " student", 1),
                loads);
        // per checkpoint and weights: ect1 and ect2 at the first t_mid, then ect2 at the second
        assertEquals(12, all.size());
        assertEquals(
                List.of("ect1", "ect2", "ect2"),
                all.subList(0, 3).stream().map(ScoreResult::sampler).toList());
        assertEquals(
                List.of(0.4, 0.4, 1.2),
                all.subList(0, 3).stream().map(ScoreResult::tMid).toList());

        Path alone = dir.resolve("alone.jsonl");
        CommandsTest.run(
                new ScoreCommand(),
                "--checkpoint",
                second.toString(),
                "--sampler",
                "ect2",
                "--samples",
                "6",
                "--weights",
                "student",
                "--t-mid",
                "1.2",
                "--extractor",
                "random-projection:4:9",
                "--reference-stats",
                stats.toString(),
                "--results",
                alone.toString(),
                "--device",
                "cpu");
        ScoreResult single = ScoreResultsFile.read(alone).get(0);
        ScoreResult same = all.get(11);
        assertEquals(8, same.step());
        assertEquals("student", same.weights());
        assertEquals(1.2, same.tMid());
        assertEquals(single.fid(), same.fid(), 0.0);
        assertTrue(all.get(5).fid() != same.fid(), "the two checkpoints' weights differ");
    }

    /** An export-weights file has only the EMA: --weights student is one line on stderr, exit 2, no stack trace. */
    @Test
    void studentWeightsOfAnEmaOnlyFileAreAOneLineError(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve(
                TinyCheckpoint.write(dir, "exported", 4, Phase.ECT, 2).getCheckpointUri());
        CommandLine cli = new CommandLine(new ScoreCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(
                "--checkpoint",
                checkpoint.toString(),
                "--weights",
                "student",
                "--extractor",
                "random-projection:4:9",
                "--reference-stats",
                referenceStats(dir).toString(),
                "--device",
                "cpu");
        assertEquals(2, exit);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: checkpoint " + checkpoint), err.toString());
        assertTrue(err.toString().contains("holds no student weights"), err.toString());

        StringWriter badErr = new StringWriter();
        CommandLine bad = new CommandLine(new ScoreCommand());
        bad.setErr(new PrintWriter(badErr));
        int badExit = bad.execute(
                "--checkpoint",
                checkpoint.toString(),
                "--weights",
                "teacher",
                "--extractor",
                "random-projection:4",
                "--reference-stats",
                dir.resolve("x").toString());
        assertEquals(2, badExit);
        assertTrue(badErr.toString().contains("weights must be ema or student"), badErr.toString());
    }

    private static Path referenceStats(Path dir) throws Exception {
        ImageShape shape = new ImageShape(1, 8, 8);
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(shape, 4, 9);
        Random random = new Random(1);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] image = new byte[shape.pixels()];
            random.nextBytes(image);
            images.add(image);
        }
        Moments moments = new Moments(4);
        moments.addAll(extractor.extract(ImageBatch.of(shape, images)));
        Path stats = dir.resolve("ref.ectref");
        ReferenceStatistics.of(extractor.id(), "random", moments).write(stats);
        return stats;
    }

    @Test
    void aMissingCheckpointFailsWithItsName(@TempDir Path dir) {
        CommandLine cli = new CommandLine(new ScoreCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(
                "--checkpoint",
                dir.resolve("gone.ckpt").toString(),
                "--extractor",
                "random-projection:4",
                "--reference-stats",
                dir.resolve("ref.ectref").toString());
        assertTrue(exit != 0);
        assertTrue(
                err.toString().contains("checkpoint file not found")
                        && err.toString().contains("gone.ckpt"),
                err.toString());
    }
}
