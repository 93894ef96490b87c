package io.ectstream.platform.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ectstream.platform.cli.TopicsCommand;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code topics manifest --format strimzi}: the platform's topic definitions and ACLs as Strimzi resources. */
class StrimziResourcesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> manifest(String... args) throws IOException {
        StringWriter out = new StringWriter();
        CommandLine cli = TopicsCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        List<String> argv = new ArrayList<>(List.of("manifest"));
        argv.addAll(List.of(args));
        assertEquals(0, cli.execute(argv.toArray(String[]::new)), out.toString());
        return YAML.readValues(YAML.createParser(out.toString()), JsonNode.class)
                .readAll();
    }

    private static Map<String, JsonNode> byName(List<JsonNode> docs, String kind) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind))
                .forEach(d -> m.put(d.path("metadata").path("name").asText(), d));
        return m;
    }

    @Test
    void everyTopicWithItsPartitionsReplicasAndConfigs() throws IOException {
        List<JsonNode> docs = manifest("--request-partitions", "6", "--replication-factor", "3", "--cluster", "prod");
        Map<String, JsonNode> topics = byName(docs, "KafkaTopic");
        assertEquals(
                TopicLayout.defaults().specs().size(),
                topics.size(),
                topics.keySet().toString());
        JsonNode results = topics.get("ect.generate.results").path("spec");
        assertEquals("ect.generate.results", results.path("topicName").asText());
        assertEquals(3, results.path("partitions").asInt());
        assertEquals(3, results.path("replicas").asInt());
        assertEquals(
                "33554432", results.path("config").path("max.message.bytes").asText());
        assertEquals("86400000", results.path("config").path("retention.ms").asText());
        assertEquals(
                6,
                topics.get("ect.generate.requests")
                        .path("spec")
                        .path("partitions")
                        .asInt());
        assertEquals(
                6,
                topics.get("ect.eval.requests").path("spec").path("partitions").asInt());
        JsonNode stats = topics.get("ect.eval.reference-stats").path("spec").path("config");
        assertEquals("compact", stats.path("cleanup.policy").asText());
        assertEquals("67108864", stats.path("max.message.bytes").asText());
        assertEquals(
                "-1",
                topics.get("ect.checkpoints")
                        .path("spec")
                        .path("config")
                        .path("retention.ms")
                        .asText());
        for (JsonNode t : topics.values()) {
            assertEquals("kafka.strimzi.io/v1beta2", t.path("apiVersion").asText());
            assertEquals(
                    "prod",
                    t.path("metadata").path("labels").path("strimzi.io/cluster").asText());
        }
        assertTrue(byName(docs, "KafkaUser").isEmpty(), "users only with --users");
    }

    @Test
    void theClusterDefaultReplicationLeavesReplicasOut() throws IOException {
        JsonNode fid = byName(manifest(), "KafkaTopic").get("ect.eval.fid").path("spec");
        assertFalse(fid.has("replicas"), fid.toString());
        assertEquals(1, fid.path("partitions").asInt());
    }

    @Test
    void eachServiceUserMayDoItsWorkAndNoMore() throws IOException {
        Map<String, JsonNode> users = byName(manifest("--users"), "KafkaUser");
        assertEquals(
                Set.of(
                        "ectstream-topics",
                        "ectstream-trainer",
                        "ectstream-sampler",
                        "ectstream-evaluation-driver",
                        "ectstream-evaluator",
                        "ectstream-reference-stats",
                        "ectstream-generate",
                        "ectstream-fid-history",
                        "ectstream-json-mirror",
                        "ectstream-dashboard"),
                users.keySet());
        assertEquals(
                Set.of(
                        "topic:ect.generate.requests:Read",
                        "topic:ect.eval.requests:Read",
                        "topic:ect.checkpoints:Read",
                        "topic:ect.generate.results:Write",
                        "topic:ect.generate.errors:Write",
                        "topic:ect.generate.results.json:Write",
                        "topic:ect.results.*:Write",
                        "group:ect-sampler:Read",
                        "group:ect-sampler-evaluation:Read"),
                grants(users.get("ectstream-sampler")));
        // Only the evaluation driver writes evaluation requests: traffic there is scored as evaluation.
        for (Map.Entry<String, JsonNode> u : users.entrySet()) {
            boolean writes = grants(u.getValue()).contains("topic:ect.eval.requests:Write");
            assertEquals(u.getKey().equals("ectstream-evaluation-driver"), writes, u.getKey());
        }
        Set<String> evaluator = grants(users.get("ectstream-evaluator"));
        assertTrue(evaluator.contains("topic:ect-evaluator-*:All"), evaluator.toString());
        assertTrue(evaluator.contains("transactionalId:ect-evaluator*:Write"), evaluator.toString());
        assertTrue(grants(users.get("ectstream-topics")).contains("topic:ect.generate.results:Create"));
        // the JSON mirror creates the derived topics it writes; the dashboard reads in a fresh group per start
        Set<String> mirror = grants(users.get("ectstream-json-mirror"));
        assertTrue(mirror.contains("topic:ect.checkpoints.json:Create"), mirror.toString());
        assertTrue(mirror.contains("transactionalId:ect-json-mirror*:Write"), mirror.toString());
        assertTrue(grants(users.get("ectstream-dashboard")).contains("group:ectstream-dashboard-*:Read"));
        assertEquals(
                "scram-sha-512",
                users.get("ectstream-trainer")
                        .path("spec")
                        .path("authentication")
                        .path("type")
                        .asText());
    }

    /**
     * A service's ACLs name exactly the topics of the roles it declares, reads as Read and writes as Write, and the
     * JSON copies it declares as Create and Write.
     */
    @Test
    void everyUsersTopicAclsAreItsDeclaredRoles() throws IOException {
        Map<String, JsonNode> users = byName(manifest("--users"), "KafkaUser");
        TopicLayout layout = TopicLayout.defaults();
        for (ServiceAccess service : ServiceAccess.platform()) {
            if (service.admin()) {
                continue;
            }
            Set<String> expected = new TreeSet<>();
            service.reads().forEach(r -> expected.add("topic:" + layout.get(r).name() + ":Read"));
            service.writes().forEach(r -> expected.add("topic:" + layout.get(r).name() + ":Write"));
            for (TopicRole r : service.jsonCopies()) {
                String copy = Topics.jsonCopyOf(layout.get(r).name());
                expected.add("topic:" + copy + ":Create");
                expected.add("topic:" + copy + ":Write");
            }
            Set<String> literalTopics = new TreeSet<>(grants(users.get(StrimziResources.userName(service.service()))));
            literalTopics.removeIf(g -> !g.startsWith("topic:") || g.contains("*"));
            assertEquals(expected, literalTopics, service.service());
        }
    }

    @Test
    void aFormatOtherThanStrimziIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine cli = TopicsCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("manifest", "--format", "helm"));
        assertTrue(err.toString().contains("--format must be strimzi"), err.toString());
    }

    /** "type:name[*]:Operation" for each granted operation other than Describe; '*' marks a prefix pattern. */
    private static Set<String> grants(JsonNode user) {
        Set<String> out = new TreeSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            String name =
                    r.path("name").asText() + (r.path("patternType").asText().equals("prefix") ? "*" : "");
            for (JsonNode op : acl.path("operations")) {
                if (!op.asText().equals("Describe")) {
                    out.add(r.path("type").asText() + ":" + name + ":" + op.asText());
                }
            }
        }
        return out;
    }
}
