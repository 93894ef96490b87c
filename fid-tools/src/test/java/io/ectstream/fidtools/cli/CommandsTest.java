package io.ectstream.fidtools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.evaluator.cli.EvaluateCommand;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.features.TestImages;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.fidtools.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandsTest {
    private static final ImageShape SHAPE = new ImageShape(1, 12, 12);

    @Test
    void fidOfTwoNpyFeatureFilesIsScipysValue() throws Exception {
        String out = run(
                new FidCommand(),
                Fixtures.path("features_gen_d64.npy").toString(),
                Fixtures.path("features_ref_d64.npy").toString());
        String json = Files.readString(Fixtures.path("fid_fixture.json"));
        Matcher m = Pattern.compile("\"d\": 64,[^}]*\"fid\": ([-0-9.eE+]+)").matcher(json);
        assertTrue(m.find());
        assertEquals(Double.parseDouble(m.group(1)), fid(out), 1e-5);
    }

    @Test
    void fidOfTwoImageFoldersAndReferenceStatsFromAFolder(@TempDir Path dir) throws Exception {
        Random random = new Random(21);
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            a.add(TestImages.image(SHAPE, i % 3, random));
            b.add(TestImages.image(SHAPE, i % 2, random));
        }
        Path folderA = writePngs(dir.resolve("a"), a);
        Path folderB = writePngs(dir.resolve("b"), b);
        String spec = "random-projection:5:3";
        RandomProjectionExtractor extractor = new RandomProjectionExtractor(SHAPE, 5, 3);
        double expected = new FrechetDistance(stats(extractor, b)).distance(stats(extractor, a));

        double fromFolders = fid(run(new FidCommand(), folderA.toString(), folderB.toString(), "--extractor", spec));
        assertEquals(expected, fromFolders, 1e-5 * Math.max(1, expected));

        Path statsFile = dir.resolve("b.ectref");
        String printed = run(
                new ReferenceStatsCommand(),
                "--dataset",
                "png-folder:" + folderB,
                "--resolution",
                "12",
                "--extractor",
                spec,
                "--out",
                statsFile.toString());
        ReferenceStatistics stats = ReferenceStatistics.read(statsFile);
        assertTrue(printed.startsWith(stats.id()), printed);
        assertEquals(30, stats.statistics().count());
        assertEquals(extractor.id(), stats.extractorId());
        double againstFile = fid(run(new FidCommand(), folderA.toString(), statsFile.toString(), "--extractor", spec));
        assertEquals(expected, againstFile, 1e-5 * Math.max(1, expected));
    }

    @Test
    void evaluateRefusesReferenceStatisticsOfAnotherExtractor(@TempDir Path dir) throws Exception {
        Random random = new Random(4);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            images.add(TestImages.image(SHAPE, i % 3, random));
        }
        Path folder = writePngs(dir.resolve("ref"), images);
        Path statsFile = dir.resolve("ref.ectref");
        run(
                new ReferenceStatsCommand(),
                "--dataset",
                "png-folder:" + folder,
                "--resolution",
                "12",
                "--extractor",
                "random-projection:5:3",
                "--out",
                statsFile.toString());

        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new EvaluateCommand());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(
                "--extractor",
                "random-projection:5:4",
                "--image-shape",
                "1x12x12",
                "--reference-stats",
                statsFile.toString(),
                "--state-dir",
                dir.resolve("state").toString());
        assertTrue(exit != 0);
        assertTrue(err.toString().contains("were made with random-projection:d5:seed3"), err.toString());
    }

    @Test
    void trainFeatureNetOnALabelledFolder(@TempDir Path dir) throws Exception {
        Random random = new Random(2);
        for (int c = 0; c < 3; c++) {
            List<byte[]> images = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                images.add(TestImages.image(SHAPE, c, random));
            }
            writePngs(dir.resolve("data").resolve("class" + c), images);
        }
        Path net = dir.resolve("net.bin");
        String out = run(
                new TrainFeatureNetCommand(),
                "--dataset",
                "png-folder:" + dir.resolve("data"),
                "--resolution",
                "12",
                "--out",
                net.toString(),
                "--epochs",
                "6",
                "--batch-size",
                "16",
                "--width",
                "8",
                "--features",
                "16",
                "--held-out",
                "0.25",
                "--lr",
                "0.003");
        assertTrue(Files.exists(net));
        Matcher accuracy = Pattern.compile("accuracy ([0-9.]+)").matcher(out);
        assertTrue(accuracy.find(), out);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.8, out);
    }

    @Test
    void fidOfAMissingFolderIsOneLineAndExitTwo(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FidCommand());
        cli.setErr(new PrintWriter(err));
        Path missing = dir.resolve("no-such-folder");
        int exit = cli.execute(
                missing.toString(), Fixtures.path("features_ref_d64.npy").toString());
        assertEquals(2, exit);
        assertTrue(err.toString().startsWith(missing + " is not a folder"), err.toString());
        assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
    }

    static String run(Object command, String... args) {
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(text));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        assertEquals(0, exit, "exit code; stderr: " + err);
        return text.toString();
    }

    private static double fid(String out) {
        Matcher m = Pattern.compile("FID: ([-0-9.eE+]+)").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    private static GaussianStatistics stats(RandomProjectionExtractor extractor, List<byte[]> images) {
        Moments m = new Moments(extractor.dimension());
        m.addAll(extractor.extract(ImageBatch.of(SHAPE, images)));
        return GaussianStatistics.of(m);
    }

    private static Path writePngs(Path folder, List<byte[]> images) throws Exception {
        Files.createDirectories(folder);
        for (int i = 0; i < images.size(); i++) {
            Files.write(folder.resolve(String.format("img%03d.png", i)), ImageCodec.toPng(images.get(i), SHAPE));
        }
        return folder;
    }
}
