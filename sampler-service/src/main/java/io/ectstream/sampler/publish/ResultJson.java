package io.ectstream.sampler.publish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * A GenerationResult (or any Avro record) as plain JSON for tools that do not speak Avro: field names as in the
 * schema, bytes (the images) in base64, enums and timestamps as strings.
 */
public final class ResultJson {
    private ResultJson() {}

    public static byte[] encode(IndexedRecord record) {
        return toJson(record).encode().getBytes(StandardCharsets.UTF_8);
    }

    public static JsonObject toJson(IndexedRecord record) {
        JsonObject json = new JsonObject();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.put(field.name(), value(record.get(field.pos())));
        }
        return json;
    }

    private static Object value(Object v) {
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof IndexedRecord r) {
            return toJson(r);
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer copy = b.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof Collection<?> c) {
            JsonArray array = new JsonArray();
            c.forEach(item -> array.add(value(item)));
            return array;
        }
        if (v instanceof Map<?, ?> m) {
            JsonObject object = new JsonObject();
            m.forEach((k, item) -> object.put(String.valueOf(k), value(item)));
            return object;
        }
        if (v instanceof TemporalAccessor
                || v instanceof CharSequence
                || v instanceof Enum<?>
                || v instanceof GenericContainer) {
            return v.toString();
        }
        return v.toString();
    }
}
