package io.ectstream.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Earlier versions of a record schema, kept as resources {@code avro-history/<Name>/v1.avsc, v2.avsc, ...}.
 * A decoder registers them so that records written by older producers still decode.
 */
public final class SchemaHistory {
    private static final String ROOT = "avro-history/";

    private SchemaHistory() {}

    public static List<Schema> olderVersionsOf(Schema current) {
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = ROOT + current.getName() + "/v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history " + path, e);
            }
        }
    }
}
