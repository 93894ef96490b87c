package io.ectstream.schemas.serde;

import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrainingProgress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The current schema of every record on the platform's topics, each in one file with every named type it uses
 * inlined (Avro's {@code Schema.toString}), so a client in another language loads one file per record and never
 * resolves a reference to another file. The copies in {@code clients/schemas/} are these, checked by a test.
 */
public final class SelfContainedSchemas {
    /** Every record type written to a platform topic. */
    public static final List<Schema> RECORDS = List.of(
            CheckpointEvent.getClassSchema(),
            TrainingProgress.getClassSchema(),
            GenerationRequest.getClassSchema(),
            GenerationResult.getClassSchema(),
            GenerationError.getClassSchema(),
            FidReport.getClassSchema());

    private SelfContainedSchemas() {}

    /** File name ({@code GenerationResult.avsc}) to its text, in {@link #RECORDS} order. */
    public static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        for (Schema schema : RECORDS) {
            files.put(schema.getName() + ".avsc", schema.toString(true) + "\n");
        }
        return files;
    }

    public static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> file : files().entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
    }
}
