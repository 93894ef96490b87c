package io.ectstream.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The numpy fixtures of src/test/resources/fixtures (each made by the .py next to it). */
public final class Fixtures {
    private static JsonNode ectMath;

    private Fixtures() {}

    public static synchronized JsonNode ectMath() {
        if (ectMath == null) {
            try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/ect_math.json")) {
                ectMath = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ectMath;
    }

    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
