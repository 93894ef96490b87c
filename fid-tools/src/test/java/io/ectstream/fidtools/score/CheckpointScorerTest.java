package io.ectstream.fidtools.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.driver.TinyCheckpoint;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.schemas.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointScorerTest {
    static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    static final int D = 6;

    @TempDir
    static Path dir;

    static Path checkpoint;
    static ReferenceStatistics reference;

    @BeforeAll
    static void tinyCheckpointAndReference() throws Exception {
        checkpoint = dir.resolve(
                TinyCheckpoint.write(dir, "tiny-ect", 7, Phase.ECT, 11).getCheckpointUri());
        reference = referenceStats(new RandomProjectionExtractor(SHAPE, D, 5));
    }

    /** Reference statistics of 50 random images (uniform pixels) with the given extractor. */
    static ReferenceStatistics referenceStats(RandomProjectionExtractor extractor) {
        Random random = new Random(3);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] image = new byte[SHAPE.pixels()];
            random.nextBytes(image);
            images.add(image);
        }
        Moments moments = new Moments(D);
        moments.addAll(extractor.extract(ImageBatch.of(SHAPE, images)));
        return ReferenceStatistics.of(extractor.id(), "random bytes", moments);
    }

    static final CheckpointModelLoader STUDENT =
            new CheckpointModelLoader(Device.cpu(), true, Precision.FP32, CheckpointFormat.GROUP_STUDENT);

    static List<ScoreResult> score(ScoreConfig config) throws Exception {
        return score(config, new CheckpointModelLoader(Device.cpu()));
    }

    static List<ScoreResult> score(ScoreConfig config, CheckpointModelLoader loader) throws Exception {
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(SHAPE, D, 5);
        return new CheckpointScorer(loader, extractor, reference, "cpu").score(config);
    }

    /**
     * --weights student generates with the student group: its FID is that of a checkpoint whose EMA holds those
     * weights, and EMA scoring of the same file is untouched.
     */
    @Test
    void studentWeightsAreScoredFromTheStudentGroup() throws Exception {
        Path training = dir.resolve(
                TinyCheckpoint.write(dir, "training", 7, Phase.ECT, 11, 12L).getCheckpointUri());
        Path studentAsEma = dir.resolve(
                TinyCheckpoint.write(dir, "student-as-ema", 7, Phase.ECT, 12).getCheckpointUri());
        List<ScoreSampler> samplers = List.of(ScoreSampler.ECT1, ScoreSampler.ECT2);
        Path grids = dir.resolve("student-grids");

        List<ScoreResult> student = score(new ScoreConfig(training, samplers, 12, 0, 0.821, 5, grids), STUDENT);
        List<ScoreResult> expectedStudent = score(new ScoreConfig(studentAsEma, samplers, 12, 0, 0.821, 5, null));
        List<ScoreResult> ema = score(new ScoreConfig(training, samplers, 12, 0, 0.821, 5, null));
        List<ScoreResult> expectedEma = score(new ScoreConfig(checkpoint, samplers, 12, 0, 0.821, 5, null));
        for (int i = 0; i < samplers.size(); i++) {
            assertEquals(expectedStudent.get(i).fid(), student.get(i).fid(), 0.0);
            assertEquals(expectedEma.get(i).fid(), ema.get(i).fid(), 0.0);
            assertNotEquals(ema.get(i).fid(), student.get(i).fid());
            assertEquals("student", student.get(i).weights());
            assertEquals("ema", ema.get(i).weights());
            assertEquals("ema", expectedEma.get(i).weights());
        }
        assertTrue(Files.size(grids.resolve(CheckpointScorer.gridFileName("training", 7, "ect2-student"))) > 0);
    }

    /** Several passes on one load give, pass by pass, what one score call per pass gives. */
    @Test
    void passesOnOneLoadEqualOneScoreCallPerPass() throws Exception {
        ScoreConfig low =
                new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1, ScoreSampler.ECT2), 12, 3, 0.4, 5, null);
        ScoreConfig high = new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT2), 12, 3, 1.2, 5, null);
        int[] loads = {0};
        CheckpointModelLoader real = new CheckpointModelLoader(Device.cpu());
        ModelLoader counting = (file, expected) -> {
            loads[0]++;
            return real.load(file, expected);
        };
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(SHAPE, D, 5);
        List<List<ScoreResult>> passes = new ArrayList<>();
        new CheckpointScorer(counting, extractor, reference, "cpu").score(List.of(low, high), passes::add);

        assertEquals(1, loads[0]);
        assertEquals(
                List.of(untimed(score(low)), untimed(score(high))),
                passes.stream().map(CheckpointScorerTest::untimed).toList());
        assertEquals(
                List.of(0.4, 0.4, 1.2),
                passes.stream().flatMap(List::stream).map(ScoreResult::tMid).toList());
    }

    @Test
    void twoStepGridsOfSeveralTMidValuesKeepOneFileEach() throws Exception {
        Path grids = dir.resolve("tmid-grids");
        ScoreConfig standard = new ScoreConfig(
                checkpoint,
                List.of(ScoreSampler.ECT1, ScoreSampler.ECT2),
                12,
                3,
                SamplerSettings.DEFAULT_T_MID,
                5,
                grids);
        ScoreConfig high =
                new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1, ScoreSampler.ECT2), 12, 3, 1.2, 5, grids);
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(SHAPE, D, 5);
        new CheckpointScorer(new CheckpointModelLoader(Device.cpu()), extractor, reference, "cpu")
                .score(List.of(standard, high), results -> {});

        // 1 step does not depend on t_mid, so its grid keeps its name; the 2-step grids differ by t_mid
        try (var files = Files.list(grids)) {
            assertEquals(
                    java.util.Set.of(
                            CheckpointScorer.gridFileName("tiny-ect", 7, "ect1"),
                            CheckpointScorer.gridFileName("tiny-ect", 7, "ect2"),
                            CheckpointScorer.gridFileName("tiny-ect", 7, "ect2-tmid1.2")),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    /** The results without their timings, which differ run to run. */
    static List<ScoreResult> untimed(List<ScoreResult> results) {
        return results.stream()
                .map(r -> new ScoreResult(
                        r.runId(),
                        r.step(),
                        r.imagesSeen(),
                        r.phase(),
                        r.ectStage(),
                        r.checkpointSha256(),
                        r.weights(),
                        r.sampler(),
                        r.networkEvaluations(),
                        r.samples(),
                        r.seed(),
                        r.tMid(),
                        r.fid(),
                        r.extractorId(),
                        r.referenceId(),
                        0,
                        0,
                        r.device()))
                .toList();
    }

    @Test
    void aFileWithoutStudentWeightsIsRefusedBeforeAnyWork() {
        CheckpointException e = assertThrows(
                CheckpointException.class,
                () -> score(new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1), 4, 0, 0.821, 4, null), STUDENT));
        assertTrue(e.getMessage().contains("holds no student weights"), e.getMessage());
        assertTrue(e.getMessage().contains("--weights ema"), e.getMessage());
    }

    @Test
    void scoredFidIsTheFidOfTheSameSeedsGeneratedInOneBatchAndTheGridHoldsTheFirst64() throws Exception {
        Path grids = dir.resolve("grids");
        ScoreConfig config = new ScoreConfig(
                checkpoint,
                List.of(ScoreSampler.ECT1, ScoreSampler.ECT2),
                70,
                100,
                SamplerSettings.DEFAULT_T_MID,
                32,
                grids);
        List<ScoreResult> results = score(config);

        assertEquals(2, results.size());
        try (ImageGenerator generator = new CheckpointModelLoader(Device.cpu()).load(checkpoint, null)) {
            for (ScoreResult r : results) {
                ScoreSampler sampler = ScoreSampler.parse(r.sampler());
                long[] seeds = new long[70];
                for (int i = 0; i < seeds.length; i++) {
                    seeds[i] = 100 + i;
                }
                byte[][] images = generator.generate(seeds, sampler.settings(SamplerSettings.DEFAULT_T_MID));
                RandomProjectionExtractor extractor = new RandomProjectionExtractor(SHAPE, D, 5);
                Moments moments = new Moments(D);
                moments.addAll(extractor.extract(ImageBatch.of(SHAPE, Arrays.asList(images))));
                double expected = new FrechetDistance(reference.statistics()).distance(GaussianStatistics.of(moments));
                assertEquals(expected, r.fid(), 1e-9, r.sampler());

                byte[] grid = ImageCodec.fromPng(
                        Files.readAllBytes(grids.resolve(CheckpointScorer.gridFileName("tiny-ect", 7, sampler))), 1);
                assertEquals(64 * 64, grid.length);
                // image 9 sits in row 1, column 1 of the 8x8 grid
                for (int y = 0; y < 8; y++) {
                    assertArrayEquals(
                            Arrays.copyOfRange(images[9], y * 8, y * 8 + 8),
                            Arrays.copyOfRange(grid, (8 + y) * 64 + 8, (8 + y) * 64 + 16));
                }
            }
        }
        ScoreResult ect1 = results.get(0);
        assertEquals("ect1", ect1.sampler());
        assertEquals(1, ect1.networkEvaluations());
        assertEquals(2, results.get(1).networkEvaluations());
        assertEquals("tiny-ect", ect1.runId());
        assertEquals(7, ect1.step());
        assertEquals(700, ect1.imagesSeen());
        assertEquals("ECT", ect1.phase());
        assertEquals(1, ect1.ectStage());
        assertEquals(CheckpointReader.sha256Hex(checkpoint), ect1.checkpointSha256());
        assertEquals(70, ect1.samples());
        assertEquals(100, ect1.seed());
        assertEquals(new RandomProjectionExtractor(SHAPE, D, 5).id(), ect1.extractorId());
        assertEquals(reference.id(), ect1.referenceId());
        assertEquals("cpu", ect1.device());
        assertTrue(ect1.seconds() > 0 && ect1.imagesPerSecond() > 0);
        assertNotEquals(results.get(0).fid(), results.get(1).fid());
    }

    @Test
    void theSameSeedGivesTheSameFidAndAnotherSeedAnother() throws Exception {
        ScoreConfig seed0 = new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1), 20, 0, 0.821, 8, null);
        ScoreConfig seed1000 = new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1), 20, 1000, 0.821, 8, null);
        double first = score(seed0).get(0).fid();
        assertEquals(first, score(seed0).get(0).fid(), 0.0);
        assertNotEquals(first, score(seed1000).get(0).fid());
    }

    @Test
    void heunCountsThirtyFiveEvaluations() throws Exception {
        ScoreResult heun = score(new ScoreConfig(checkpoint, List.of(ScoreSampler.parse("heun")), 4, 0, 0.821, 4, null))
                .get(0);
        assertEquals("heun35", heun.sampler());
        assertEquals(35, heun.networkEvaluations());
        assertTrue(Double.isFinite(heun.fid()) && heun.fid() >= 0, "fid " + heun.fid());
    }

    @Test
    void aMissingOrCorruptCheckpointIsACheckpointException() throws Exception {
        Path missing = dir.resolve("nowhere.ckpt");
        CheckpointException e = assertThrows(
                CheckpointException.class,
                () -> score(new ScoreConfig(missing, List.of(ScoreSampler.ECT1), 4, 0, 0.821, 4, null)));
        assertTrue(e.getMessage().contains("nowhere.ckpt"), e.getMessage());

        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length - 20] ^= 0x55; // a weight byte: structure intact, hash broken
        Path corrupt = dir.resolve("corrupt.ckpt");
        Files.write(corrupt, bytes);
        CheckpointException c = assertThrows(
                CheckpointException.class,
                () -> score(new ScoreConfig(corrupt, List.of(ScoreSampler.ECT1), 4, 0, 0.821, 4, null)));
        assertTrue(c.getMessage().contains("corrupt.ckpt"), c.getMessage());
    }

    @Test
    void referenceStatisticsOfAnotherExtractorAreRefused() {
        RandomProjectionExtractor other = new RandomProjectionExtractor(SHAPE, D, 6);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new CheckpointScorer(new CheckpointModelLoader(Device.cpu()), other, reference, "cpu"));
        assertTrue(e.getMessage().contains(other.id()), e.getMessage());
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScoreSampler.parse("euler"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1), 1, 0, 0.821, 4, null));
        assertThrows(
                IllegalArgumentException.class, () -> new ScoreConfig(checkpoint, List.of(), 10, 0, 0.821, 4, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ScoreConfig(checkpoint, List.of(ScoreSampler.ECT1), 10, 0, 0.821, 0, null));
    }
}
