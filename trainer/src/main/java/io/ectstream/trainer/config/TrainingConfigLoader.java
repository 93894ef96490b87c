package io.ectstream.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a {@link TrainingConfig}: the packaged defaults (the reference settings of docs/ECT.md §4), the YAML file over
 * them, then {@code key=value} overrides (dotted keys, YAML values: {@code ect.q=256},
 * {@code network.channelMult=[1,2,2]}). Unknown keys and impossible values are rejected with the key named.
 */
public final class TrainingConfigLoader {
    private static final String DEFAULTS = "/io/ectstream/trainer/config/defaults.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private TrainingConfigLoader() {}

    /** Loads {@code file}; a missing runId becomes the file name without its extension. */
    public static TrainingConfig load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        String fileName = file.getFileName().toString();
        String defaultRunId = fileName.replaceFirst("\\.[^.]*$", "");
        return parse(text, overrides, defaultRunId, file.toString());
    }

    public static TrainingConfig parse(String yaml, List<String> overrides, String defaultRunId, String source) {
        ObjectNode tree = defaults();
        JsonNode user;
        try {
            user = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (user != null && !user.isMissingNode() && !user.isNull()) {
            if (!user.isObject()) {
                throw new ConfigException(source + " must be a YAML mapping of keys to values");
            }
            merge(tree, (ObjectNode) user);
        }
        for (String override : overrides) {
            applyOverride(tree, override);
        }
        if (!tree.hasNonNull("runId")) {
            tree.put("runId", defaultRunId);
        }
        return bind(tree, source);
    }

    /** The configuration as YAML text (stored in every checkpoint). */
    public static String toYaml(TrainingConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new ConfigException("cannot write the configuration as YAML: " + e.getMessage(), e);
        }
    }

    /** The configuration as a JSON tree (stored in checkpoint metadata). */
    public static JsonNode toTree(TrainingConfig config) {
        return YAML.valueToTree(config);
    }

    /** Reads back what {@link #toTree} made, with no defaults or overrides. */
    public static TrainingConfig fromTree(JsonNode tree) {
        if (!(tree instanceof ObjectNode object)) {
            throw new ConfigException("stored configuration is not a mapping");
        }
        return bind(object.deepCopy(), "stored configuration");
    }

    /** Reads back what {@link #toYaml} wrote, with no defaults or overrides. */
    public static TrainingConfig fromYaml(String yaml) {
        try {
            return bind((ObjectNode) YAML.readTree(yaml), "stored configuration");
        } catch (JsonProcessingException | ClassCastException e) {
            throw new ConfigException("stored configuration is not readable: " + e.getMessage(), e);
        }
    }

    private static TrainingConfig bind(ObjectNode tree, String source) {
        try {
            return YAML.treeToValue(tree, TrainingConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ", " (known keys there: ", ")"));
            throw new ConfigException(source + ": unknown key '" + path(e) + "'" + known, e);
        } catch (JsonMappingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
            String at = path(e);
            throw new ConfigException(
                    source + ": invalid value" + (at.isEmpty() ? "" : " under '" + at + "'") + ": " + reason, e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static ObjectNode defaults() {
        try (InputStream in = TrainingConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("packaged defaults " + DEFAULTS + " are unreadable", e);
        }
    }

    /** Deep merge; objects merge key by key, everything else (arrays too) is replaced. An ema block is replaced whole. */
    private static void merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode current = base.get(field.getKey());
            if (current instanceof ObjectNode currentObject
                    && field.getValue() instanceof ObjectNode overObject
                    && !"ema".equals(field.getKey())) {
                merge(currentObject, overObject);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("override '" + override + "' must look like key=value (e.g. ect.q=256)");
        }
        String key = override.substring(0, eq).trim();
        String[] parts = key.split("\\.");
        JsonNode value;
        try {
            value = YAML.readTree(override.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    "override '" + override + "' has an unreadable value: " + e.getOriginalMessage(), e);
        }
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            } else if (!(child instanceof ObjectNode)) {
                throw new ConfigException("override '" + override + "': '" + parts[i] + "' is a value, not a section");
            }
            node = (ObjectNode) child;
        }
        String leaf = parts[parts.length - 1];
        if (parts.length >= 2 && "ema".equals(parts[parts.length - 2])) {
            // beta and halfLifeKimg exclude each other: setting one drops the other
            if ("beta".equals(leaf)) {
                node.remove(List.of("halfLifeKimg", "rampupRatio"));
            } else if ("halfLifeKimg".equals(leaf)) {
                node.remove("beta");
            }
        }
        node.set(leaf, value == null || value.isMissingNode() ? YAML.nullNode() : value);
    }
}
