package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * clients/schemas/ holds exactly the current schema of every record, one self-contained file each. After a schema
 * change, regenerate them: {@code ./mvnw -B -q -pl schemas test -Dtest=SelfContainedSchemasTest
 * -Dectstream.schemas.write=true}.
 */
class SelfContainedSchemasTest {
    private static final Path DIR = Path.of("..", "clients", "schemas");

    @Test
    void clientSchemasAreTheCurrentOnesWithEveryNamedTypeInlined() throws Exception {
        if (Boolean.getBoolean("ectstream.schemas.write")) {
            SelfContainedSchemas.write(DIR);
        }
        Map<String, String> expected = SelfContainedSchemas.files();
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".avsc"))
                    .sorted()
                    .toList();
            assertEquals(expected.keySet().stream().sorted().toList(), names);
        }
        for (Schema schema : SelfContainedSchemas.RECORDS) {
            String text = Files.readString(DIR.resolve(schema.getName() + ".avsc"));
            assertEquals(
                    expected.get(schema.getName() + ".avsc"),
                    text,
                    schema.getName() + ".avsc is stale: regenerate (see this test's comment)");
            // A parser that knows no other file reads it, and writers' fingerprints match it.
            Schema alone = new Schema.Parser().parse(text);
            assertEquals(
                    SchemaNormalization.parsingFingerprint64(schema), SchemaNormalization.parsingFingerprint64(alone));
        }
        assertTrue(expected.get("GenerationResult.avsc").contains("\"name\" : \"ModelVersion\""));
    }
}
