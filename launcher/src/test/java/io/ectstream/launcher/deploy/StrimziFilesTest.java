package io.ectstream.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ectstream.launcher.EctStream;
import io.ectstream.platform.cli.EnvironmentDefaults;
import io.ectstream.platform.kafka.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * k8s/strimzi/kafka-resources.yaml is what {@code ectstream topics manifest} prints today (the command is in the
 * file's header), and its KafkaUsers name only the platform's topics and the groups the Kubernetes services use.
 * Refresh the file after a change to the topic definitions with
 * {@code mvn -pl launcher -am test -Dtest=StrimziFilesTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dectstream.refreshDeployFiles=true} (or run the header's command and keep the header).
 */
class StrimziFilesTest {
    static final String FILE = "k8s/strimzi/kafka-resources.yaml";
    static final String COMMAND_MARK = "#   ectstream ";

    static Path repo;

    @BeforeAll
    static void findRepository() {
        DeploymentFilesTest.findRepository();
        repo = DeploymentFilesTest.repo;
    }

    record Generated(String header, List<String> args, String body) {}

    static Generated committed() throws IOException {
        String text = Files.readString(repo.resolve(FILE));
        StringBuilder header = new StringBuilder();
        List<String> args = null;
        int bodyStart = 0;
        for (String line : text.split("\n", -1)) {
            if (!line.startsWith("#")) {
                break;
            }
            header.append(line).append('\n');
            bodyStart += line.length() + 1;
            if (line.startsWith(COMMAND_MARK)) {
                args = List.of(line.substring(COMMAND_MARK.length()).trim().split("\\s+"));
            }
        }
        assertTrue(args != null, FILE + ": no '" + COMMAND_MARK + "topics manifest ...' line in its header");
        return new Generated(header.toString(), args, text.substring(bodyStart));
    }

    static String run(List<String> args) {
        return run(args, Map.of());
    }

    static String run(List<String> args, Map<String, String> env) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new EctStream()).setDefaultValueProvider(new EnvironmentDefaults(env));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());
        return out.toString();
    }

    @Test
    void theCommittedStrimziResourcesAreWhatTheManifestCommandPrints() throws IOException {
        Generated file = committed();
        assertEquals(List.of("topics", "manifest"), file.args().subList(0, 2), "header command");
        String now = run(file.args());
        if (Boolean.getBoolean("ectstream.refreshDeployFiles")) {
            Files.writeString(repo.resolve(FILE), file.header() + now);
            return;
        }
        assertEquals(
                now,
                file.body(),
                FILE + " is stale: refresh it (see StrimziFilesTest's comment or k8s/README.md, \"Strimzi\")");
    }

    /** The topics Job and compose service configure `topics create` by these variables: they reach its options. */
    @Test
    void theTopicsCommandTakesItsSettingsFromTheEnvironmentLikeTheJobSetsThem() {
        String yaml = run(
                List.of("topics", "manifest"),
                Map.of("ECTSTREAM_REQUEST_PARTITIONS", "6", "ECTSTREAM_REPLICATION_FACTOR", "1"));
        Map<String, JsonNode> topics = new LinkedHashMap<>();
        DeploymentFilesTest.readAll(yaml, "manifest")
                .forEach(d -> topics.put(d.path("spec").path("topicName").asText(), d.path("spec")));
        assertEquals(6, topics.get("ect.generate.requests").path("partitions").asInt());
        assertEquals(6, topics.get("ect.eval.requests").path("partitions").asInt());
        assertEquals(3, topics.get("ect.generate.results").path("partitions").asInt());
        topics.values().forEach(t -> assertEquals(1, t.path("replicas").asInt(), t.toString()));
        assertEquals(
                "33554432",
                topics.get("ect.generate.results")
                        .path("config")
                        .path("max.message.bytes")
                        .asText());
    }

    @Test
    void usersNameOnlyPlatformTopicsAndTheGroupsTheServicesUse() throws IOException {
        List<JsonNode> docs = DeploymentFilesTest.readAll(committed().body(), FILE);
        Set<String> topics = new TreeSet<>();
        Map<String, JsonNode> users = new LinkedHashMap<>();
        for (JsonNode d : docs) {
            if (d.path("kind").asText().equals("KafkaTopic")) {
                topics.add(d.path("spec").path("topicName").asText());
                assertEquals(
                        d.path("metadata").path("name").asText(),
                        d.path("spec").path("topicName").asText().toLowerCase(java.util.Locale.ROOT),
                        "resource name of " + d.path("spec").path("topicName"));
            } else {
                users.put(d.path("metadata").path("name").asText(), d);
            }
        }
        assertEquals(9, topics.size(), topics.toString());
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> u : users.entrySet()) {
            for (JsonNode acl : u.getValue().path("spec").path("authorization").path("acls")) {
                JsonNode r = acl.path("resource");
                String name = r.path("name").asText();
                boolean literal = r.path("patternType").asText().equals("literal");
                switch (r.path("type").asText()) {
                    case "topic" -> {
                        // a JSON copy is derived from a defined topic (the JSON mirror creates it)
                        boolean derived = name.endsWith(Topics.JSON_COPY_SUFFIX)
                                && topics.contains(name.substring(0, name.length() - Topics.JSON_COPY_SUFFIX.length()));
                        if (literal && !topics.contains(name) && !derived) {
                            problems.add(u.getKey() + " names topic " + name + ", which is not defined");
                        }
                    }
                    case "group" ->
                        groups.computeIfAbsent(u.getKey(), k -> new TreeSet<>()).add(name);
                    case "transactionalId" -> {}
                    default -> problems.add(u.getKey() + ": unexpected resource " + r);
                }
            }
        }
        assertEquals(List.of(), problems);
        // The groups the KafkaUsers may use are the ones the Kubernetes services run with.
        String samplerGroup = groupOf("k8s/base/sampler.yaml", "--group-id");
        assertEquals(Set.of(samplerGroup, samplerGroup + "-evaluation"), groups.get("ectstream-sampler"));
        assertEquals(
                Set.of(groupOf("k8s/base/evaluation-driver.yaml", "--group-id")),
                groups.get("ectstream-evaluation-driver"));
        assertEquals(Set.of(groupOf("k8s/base/evaluator.yaml", "--application-id")), groups.get("ectstream-evaluator"));
    }

    private static String groupOf(String file, String option) throws IOException {
        for (JsonNode d : DeploymentFilesTest.readAll(Files.readString(repo.resolve(file)), file)) {
            JsonNode pod = d.has("kind") ? DeploymentFilesTest.podSpec(d) : null;
            if (pod == null) {
                continue;
            }
            for (JsonNode c : pod.path("containers")) {
                String value = DeploymentFilesTest.optionValue(DeploymentFilesTest.strings(c.path("args")), option);
                if (value != null) {
                    return value;
                }
            }
        }
        throw new AssertionError(file + ": no container with " + option);
    }
}
