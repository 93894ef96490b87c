package io.ectstream.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.schemas.Phase;
import java.time.Instant;
import java.util.Map;

/**
 * What a checkpoint says about itself, stored as JSON in its header.
 * @param trainingConfig the trainer's full configuration, opaque to core (a JSON object; may be empty)
 * @param seeds          named seeds of the run (e.g. "init", "data", "noise")
 * @param scalars        named numbers the trainer needs to resume (e.g. "optim.t" for the optimizer step count) or
 *                       records about how it trained (e.g. "numerics.tf32")
 */
public record CheckpointMetadata(
        String runId,
        long step,
        long imagesSeen,
        Phase phase,
        int ectStage,
        NetworkSpec network,
        JsonNode trainingConfig,
        Map<String, Long> seeds,
        Map<String, Double> scalars,
        Instant createdAt) {

    public CheckpointMetadata {
        CheckpointStore.checkRunId(runId);
        if (step < 0 || imagesSeen < 0 || ectStage < 0) {
            throw new IllegalArgumentException("step, imagesSeen and ectStage must be >= 0");
        }
        if (phase == null || network == null || createdAt == null) {
            throw new IllegalArgumentException("phase, network and createdAt are required");
        }
        trainingConfig = trainingConfig == null ? JsonNodeFactory.instance.objectNode() : trainingConfig.deepCopy();
        seeds = Map.copyOf(seeds == null ? Map.of() : seeds);
        scalars = Map.copyOf(scalars == null ? Map.of() : scalars);
    }

    ObjectNode toJson(com.fasterxml.jackson.databind.ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        node.put("runId", runId);
        node.put("step", step);
        node.put("imagesSeen", imagesSeen);
        node.put("phase", phase.name());
        node.put("ectStage", ectStage);
        node.set("network", mapper.valueToTree(network));
        node.set("trainingConfig", trainingConfig);
        node.set("seeds", mapper.valueToTree(new java.util.TreeMap<>(seeds)));
        node.set("scalars", mapper.valueToTree(new java.util.TreeMap<>(scalars)));
        node.put("createdAt", createdAt.toString());
        return node;
    }

    /** The same metadata under another run id. */
    public CheckpointMetadata withRunId(String newRunId) {
        return new CheckpointMetadata(
                newRunId, step, imagesSeen, phase, ectStage, network, trainingConfig, seeds, scalars, createdAt);
    }

    static CheckpointMetadata fromJson(com.fasterxml.jackson.databind.ObjectMapper mapper, JsonNode node)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        return new CheckpointMetadata(
                node.required("runId").asText(),
                node.required("step").asLong(),
                node.required("imagesSeen").asLong(),
                Phase.valueOf(node.required("phase").asText()),
                node.required("ectStage").asInt(),
                mapper.treeToValue(node.required("network"), NetworkSpec.class),
                node.get("trainingConfig"),
                mapper.convertValue(
                        node.get("seeds"), new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() {}),
                mapper.convertValue(
                        node.get("scalars"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {}),
                Instant.parse(node.required("createdAt").asText()));
    }
}
