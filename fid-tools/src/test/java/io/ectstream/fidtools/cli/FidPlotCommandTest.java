package io.ectstream.fidtools.cli;

import static io.ectstream.fidtools.score.ScoreResultFixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.fidtools.score.ScoreResultsFile;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FidPlotCommandTest {
    @Test
    void drawsAPngOfTheRequestedSizeFromTwoResultsFiles(@TempDir Path dir) throws Exception {
        Path teacher = dir.resolve("teacher.jsonl");
        Path ect = dir.resolve("ect.jsonl");
        ScoreResultsFile.append(
                teacher,
                List.of(
                        result("teacher", 1000, 160000, "PRETRAIN", "heun35", 20.0),
                        result("teacher", 1000, 160000, "PRETRAIN", "ect1", 250.0),
                        result("teacher", 1000, 160000, "PRETRAIN", "ect2", 90.0)));
        ScoreResultsFile.append(
                ect,
                List.of(
                        result("ect", 10, 163200, "ECT", "ect1", 50.0),
                        result("ect", 10, 163200, "ECT", "ect2", 30.0),
                        result("ect", 20, 166400, "ECT", "ect1", 35.0),
                        result("ect", 20, 166400, "ECT", "ect2", 24.0)));

        Path png = dir.resolve("plots/fid.png");
        String out = CommandsTest.run(
                new FidPlotCommand(),
                "--results",
                teacher.toString(),
                ect.toString(),
                "--out",
                png.toString(),
                "--title",
                "test plot");
        assertTrue(out.contains("2 curves, 3 teacher lines from 7 results"), out);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
        assertTrue(colours(image) > 10, "a chart has text, axes, lines and markers in several colours");

        Path small = dir.resolve("small.png");
        CommandsTest.run(
                new FidPlotCommand(),
                "--results",
                ect.toString(),
                "--out",
                small.toString(),
                "--width",
                "400",
                "--height",
                "300");
        BufferedImage smallImage = ImageIO.read(small.toFile());
        assertEquals(400, smallImage.getWidth());
        assertEquals(300, smallImage.getHeight());
    }

    @Test
    void anEmptyFileOrOneWithoutEctResultsFailsClearly(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        assertTrue(fails(empty, dir.resolve("a.png")).contains("no score results"));
        Path teacherOnly = dir.resolve("teacher.jsonl");
        ScoreResultsFile.append(teacherOnly, List.of(result("teacher", 1000, 160000, "PRETRAIN", "heun35", 20.0)));
        assertTrue(fails(teacherOnly, dir.resolve("b.png")).contains("no results of ECT checkpoints"));
        assertTrue(Files.notExists(dir.resolve("a.png")) && Files.notExists(dir.resolve("b.png")));
    }

    private static String fails(Path results, Path out) {
        CommandLine cli = new CommandLine(new FidPlotCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertNotEquals(0, cli.execute("--results", results.toString(), "--out", out.toString()));
        return err.toString();
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
