package io.ectstream.fidtools.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Score results as JSON Lines: one {@link ScoreResult} object per line, appended as runs finish. */
public final class ScoreResultsFile {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true);

    private static final String WEIGHTS = "weights";

    private ScoreResultsFile() {}

    public static String toLine(ScoreResult result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a score result as JSON", e);
        }
    }

    /** Appends one line per result (creates the file and its folder if needed). */
    public static void append(Path file, List<ScoreResult> results) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        StringBuilder lines = new StringBuilder();
        for (ScoreResult result : results) {
            lines.append(toLine(result)).append('\n');
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Every result of the file in order; blank lines are skipped, a malformed line is an error naming it. */
    public static List<ScoreResult> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("results file not found: " + file, e);
        }
        List<ScoreResult> results = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode tree = MAPPER.readTree(line);
                if (tree instanceof ObjectNode object && !object.has(WEIGHTS)) {
                    object.put(WEIGHTS, ScoreWeights.EMA.group()); // written before score --weights: the EMA
                }
                results.add(MAPPER.treeToValue(tree, ScoreResult.class));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + " is not a score result: " + e.getOriginalMessage(), e);
            }
        }
        return results;
    }
}
