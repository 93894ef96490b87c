package io.ectstream.platform.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.platform.kafka.Topics;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The platform's topics and service users as Strimzi custom resources ({@code KafkaTopic}, {@code KafkaUser} with
 * simple-authorization ACLs), from the same {@link TopicLayout} that {@code topics create} applies, so a cluster run
 * by the Strimzi operator gets the same partitions and configs (e.g. the results topic's max.message.bytes).
 */
public final class StrimziResources {
    public static final String API_VERSION = "kafka.strimzi.io/v1beta2";
    public static final String CLUSTER_LABEL = "strimzi.io/cluster";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private final TopicLayout layout;
    private final String cluster;

    public StrimziResources(TopicLayout layout, String cluster) {
        this.layout = layout;
        this.cluster = cluster;
    }

    /** One KafkaTopic per topic, in role order; replicas left out when the layout leaves it to the cluster. */
    public List<Map<String, Object>> topics() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TopicSpec s : layout.specs()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("topicName", s.name());
            spec.put("partitions", s.partitions());
            if (s.replicationFactor() != -1) {
                spec.put("replicas", (int) s.replicationFactor());
            }
            spec.put("config", new LinkedHashMap<>(new java.util.TreeMap<>(s.configs())));
            out.add(resource(
                    "KafkaTopic",
                    resourceName(s.name()),
                    Map.of("ectstream.io/topic-role", s.role().key()),
                    spec));
        }
        return out;
    }

    /** One KafkaUser per service with the ACLs its work needs and nothing else. */
    public List<Map<String, Object>> users(String authentication) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ServiceAccess a : ServiceAccess.platform()) {
            List<Map<String, Object>> acls = new ArrayList<>();
            if (a.admin()) {
                for (TopicSpec s : layout.specs()) {
                    acls.add(acl(
                            "topic",
                            s.name(),
                            "literal",
                            "Create",
                            "Describe",
                            "DescribeConfigs",
                            "AlterConfigs",
                            "Alter"));
                }
            }
            Set<TopicRole> both = new LinkedHashSet<>(a.reads());
            both.retainAll(a.writes());
            for (TopicRole r : a.reads()) {
                if (!both.contains(r)) {
                    acls.add(acl("topic", layout.get(r).name(), "literal", "Read", "Describe"));
                }
            }
            for (TopicRole r : a.writes()) {
                acls.add(
                        both.contains(r)
                                ? acl("topic", layout.get(r).name(), "literal", "Read", "Write", "Describe")
                                : acl("topic", layout.get(r).name(), "literal", "Write", "Describe"));
            }
            for (TopicRole r : a.jsonCopies()) {
                // derived: created by the service itself when missing, with its source's partitions and configs
                acls.add(acl(
                        "topic", Topics.jsonCopyOf(layout.get(r).name()), "literal", "Create", "Write", "Describe"));
            }
            for (String prefix : a.writePrefixes()) {
                acls.add(acl("topic", prefix, "prefix", "Write", "Describe"));
            }
            for (String group : a.groups()) {
                if (a.streams()) {
                    // Kafka Streams: its changelog and repartition topics, its group, its transactional ids.
                    acls.add(acl("topic", group + "-", "prefix", "All"));
                    acls.add(acl("group", group, "literal", "Read", "Describe"));
                    acls.add(acl("transactionalId", group, "prefix", "Write", "Describe"));
                } else {
                    acls.add(acl("group", group, "literal", "Read", "Describe"));
                }
            }
            for (String prefix : a.groupPrefixes()) {
                acls.add(acl("group", prefix, "prefix", "Read", "Describe"));
            }
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("authentication", Map.of("type", authentication));
            Map<String, Object> authorization = new LinkedHashMap<>();
            authorization.put("type", "simple");
            authorization.put("acls", acls);
            spec.put("authorization", authorization);
            out.add(resource("KafkaUser", userName(a.service()), Map.of("ectstream.io/service", a.service()), spec));
        }
        return out;
    }

    /** The Kafka user of a service: {@code ectstream-sampler}. */
    public static String userName(String service) {
        return "ectstream-" + service;
    }

    /** A Kubernetes name (DNS-1123 subdomain) for a topic: lower case, other characters as '-'. */
    public static String resourceName(String topic) {
        return topic.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    }

    /** The resources as one multi-document YAML stream. */
    public static String yaml(List<Map<String, Object>> resources) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> r : resources) {
            try {
                out.append(YAML.writeValueAsString(r));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toString();
    }

    private Map<String, Object> resource(
            String kind, String name, Map<String, String> labels, Map<String, Object> spec) {
        Map<String, Object> allLabels = new LinkedHashMap<>();
        allLabels.put(CLUSTER_LABEL, cluster);
        allLabels.putAll(labels);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("labels", allLabels);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("apiVersion", API_VERSION);
        r.put("kind", kind);
        r.put("metadata", metadata);
        r.put("spec", spec);
        return r;
    }

    private static Map<String, Object> acl(String type, String name, String pattern, String... operations) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("type", type);
        resource.put("name", name);
        resource.put("patternType", pattern);
        Map<String, Object> acl = new LinkedHashMap<>();
        acl.put("resource", resource);
        acl.put("operations", List.of(operations));
        return acl;
    }
}
