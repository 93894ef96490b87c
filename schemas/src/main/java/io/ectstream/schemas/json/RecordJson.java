package io.ectstream.schemas.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Any of the platform's Avro records as plain JSON for tools that do not speak Avro (Kafka Connect's JsonConverter
 * with {@code schemas.enable=false}, jq, ksqlDB's JSON format): the schema's field names, null for an absent union,
 * bytes (images, original input) in base64, enums and timestamps ({@code 2026-11-30T12:00:00Z}) as strings.
 */
public final class RecordJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordJson() {}

    public static byte[] encode(IndexedRecord record) {
        try {
            return MAPPER.writeValueAsString(toJson(record)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + record.getSchema().getName() + " as JSON", e);
        }
    }

    public static ObjectNode toJson(IndexedRecord record) {
        ObjectNode json = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.set(field.name(), value(record.get(field.pos())));
        }
        return json;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (v instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof IndexedRecord r) {
            return toJson(r);
        }
        if (v instanceof ByteBuffer b) {
            ByteBuffer copy = b.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (v instanceof Collection<?> c) {
            ArrayNode array = NODES.arrayNode();
            c.forEach(item -> array.add(value(item)));
            return array;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode object = NODES.objectNode();
            m.forEach((k, item) -> object.set(String.valueOf(k), value(item)));
            return object;
        }
        // Enums, strings, Instants (timestamp-millis), fixed and anything else: their text.
        return NODES.textNode(v.toString());
    }
}
