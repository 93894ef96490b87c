package io.ectstream.fidtools.score;

import static io.ectstream.fidtools.score.ScoreResultFixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreResultsFileTest {
    @Test
    void appendedResultsReadBackEqualOneJsonObjectPerLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/results.jsonl");
        ScoreResult a = result("teacher", 1000, 160000, "PRETRAIN", "heun35", 21.125);
        ScoreResult b = result("ect", 10, 163200, "ECT", "ect1", 35.0625);
        ScoreResult c = result("ect", 10, 163200, "ECT", "ect2", 24.5);
        ScoreResultsFile.append(file, List.of(a));
        ScoreResultsFile.append(file, List.of(b, c));

        assertEquals(List.of(a, b, c), ScoreResultsFile.read(file));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals("heun35", first.get("sampler").asText());
        assertEquals(160000, first.get("imagesSeen").asLong());
        assertEquals(21.125, first.get("fid").asDouble(), 0.0);
        assertEquals("ema", first.get("weights").asText());
        assertEquals(18, first.size());
    }

    /** Files written before score --weights existed scored the EMA weights, and read back so. */
    @Test
    void aLineWithoutWeightsReadsBackAsTheEma(@TempDir Path dir) throws Exception {
        ScoreResult student = result("ect", 10, 163200, "ECT", "student", "ect2", 24.5);
        ScoreResult ema = result("ect", 10, 163200, "ECT", "ect2", 24.5);
        ObjectNode old = (ObjectNode) new ObjectMapper().readTree(ScoreResultsFile.toLine(student));
        old.remove("weights");
        Path file = dir.resolve("old.jsonl");
        Files.writeString(file, old + "\n" + ScoreResultsFile.toLine(student) + "\n");
        assertEquals(List.of(ema, student), ScoreResultsFile.read(file));
    }

    @Test
    void aMalformedLineOrMissingFileIsAClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.jsonl");
        Files.writeString(
                file, ScoreResultsFile.toLine(result("r", 1, 1, "ECT", "ect1", 1.0)) + "\n\n{\"runId\": \"x\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreResultsFile.read(file));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());

        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> ScoreResultsFile.read(dir.resolve("none.jsonl")));
        assertTrue(missing.getMessage().contains("none.jsonl"), missing.getMessage());
    }
}
