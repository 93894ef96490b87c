package io.ectstream.sampler.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ectstream.sampler.validate.InvalidRequestException;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.records.GenerationRequests;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The JSON body of POST /v1/generate, read strictly into a GenerationRequest: integers must be JSON integers within
 * their type's range (1.9, 1e9 and 4294967297 are refused, never rounded or wrapped), numbers must be numbers, and
 * unknown fields are refused. Ranges (numImages 1..max, steps, tMid) are the validator's job, as for Kafka requests.
 */
final class GenerateBody {
    private static final Set<String> FIELDS =
            Set.of("runId", "step", "numImages", "steps", "seed", "tMid", "sampler", "deadlineMs");

    /** Refuses duplicate keys (JSON leaves them undefined: last-wins would hide a typo) and trailing content. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private GenerateBody() {}

    static GenerationRequest parse(Buffer body, boolean grid) throws InvalidRequestException {
        JsonObject json = object(body);
        for (String field : json.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidRequestException(
                        "body",
                        "unknown field '" + field + "' (known: "
                                + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        Object runId = json.getValue("runId");
        if (!(runId instanceof String)) {
            throw new InvalidRequestException("runId", "must be a string naming a training run");
        }
        Long step = integer(json, "step", Long.MIN_VALUE, Long.MAX_VALUE);
        Long numImages = integer(json, "numImages", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Long steps = integer(json, "steps", Integer.MIN_VALUE, Integer.MAX_VALUE);
        GenerationRequests.Draft request = GenerationRequests.request(
                        GenerationRequests.newId("http"), (String) runId, step)
                .seed(integer(json, "seed", Long.MIN_VALUE, Long.MAX_VALUE))
                .tMid(number(json, "tMid"))
                .sampler(sampler(json))
                .deadlineMs(integer(json, "deadlineMs", Long.MIN_VALUE, Long.MAX_VALUE))
                .format(grid ? ImageFormat.RAW_UINT8 : ImageFormat.PNG);
        if (numImages != null) {
            request.numImages(numImages.intValue());
        }
        if (steps != null) {
            request.steps(steps.intValue());
        }
        return request.build(Instant.now());
    }

    private static JsonObject object(Buffer body) throws InvalidRequestException {
        if (body == null || body.length() == 0) {
            throw new InvalidRequestException(
                    "body",
                    "is empty; send a JSON object such as {\"runId\": \"my-run\", \"numImages\": 4, \"steps\": 2}");
        }
        JsonNode tree;
        try {
            tree = STRICT.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String why = e.getOriginalMessage();
            if (why != null && why.startsWith("Duplicate field")) {
                throw new InvalidRequestException("body", "names a field twice" + where + ": " + why);
            }
            throw new InvalidRequestException("body", "is not valid JSON" + where + ": " + firstLine(why));
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("body", "could not be read: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidRequestException(
                    "body",
                    "is not a JSON object (it is "
                            + (tree == null
                                    ? "empty"
                                    : tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ")");
        }
        return new JsonObject(STRICT.convertValue(tree, MAP));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** An optional JSON integer in [min, max]; null when absent. */
    private static Long integer(JsonObject json, String field, long min, long max) throws InvalidRequestException {
        Object value = json.getValue(field);
        if (value == null) {
            return null;
        }
        boolean integral = value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger;
        String range = min == Long.MIN_VALUE ? "a 64-bit integer" : "a 32-bit integer";
        if (!integral) {
            throw new InvalidRequestException(field, "must be " + range + ", not " + value);
        }
        BigInteger big = new BigInteger(value.toString());
        if (big.compareTo(BigInteger.valueOf(min)) < 0 || big.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidRequestException(field, "must be " + range + ", not " + value + " (out of range)");
        }
        return big.longValue();
    }

    private static Double number(JsonObject json, String field) throws InvalidRequestException {
        Object value = json.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n)) {
            throw new InvalidRequestException(field, "must be a number, not " + value);
        }
        return n.doubleValue();
    }

    private static SamplerKind sampler(JsonObject json) throws InvalidRequestException {
        Object value = json.getValue("sampler");
        if (value == null) {
            return SamplerKind.ECT;
        }
        for (SamplerKind kind : SamplerKind.values()) {
            if (kind.name().equals(value)) {
                return kind;
            }
        }
        throw new InvalidRequestException(
                "sampler", "must be one of " + Arrays.toString(SamplerKind.values()) + ", not " + value);
    }
}
