package io.ectstream.platform.docs;

import io.ectstream.platform.deploy.StrimziResources;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.platform.kafka.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables of docs/own-cluster.md that say what the code says: every topic with its definition
 * ({@link TopicLayout#defaults()}) and every service's ACLs, read from the Strimzi {@code KafkaUser}s that
 * {@link StrimziResources} makes from the {@link ServiceAccess} declarations, so the page, the manifests and the
 * services' checks cannot part.
 */
final class TopicTables {
    static final String FILE = "docs/own-cluster.md";
    static final String REGENERATE =
            "regenerate with ./mvnw -B -o test -pl platform -am -Dtest=TopicTablesTest -Dsurefire.failIfNoSpecifiedTests=false -Dectstream.docs.regenerate=true";

    private TopicTables() {}

    static String begin(String table) {
        return "<!-- BEGIN GENERATED " + table + " table (TopicTablesTest) -->\n";
    }

    static String end(String table) {
        return "<!-- END GENERATED " + table + " table -->\n";
    }

    static String topics() {
        StringBuilder md = new StringBuilder("| role (`--topic ROLE=NAME`) | default name | partitions | configs |\n")
                .append("|---|---|---|---|\n");
        for (TopicSpec s : TopicLayout.defaults().specs()) {
            List<String> configs = new ArrayList<>();
            new java.util.TreeMap<>(s.configs())
                    .forEach((k, v) -> configs.add("`" + k + "=" + v + "`" + meaning(k, v)));
            md.append("| ")
                    .append(s.role().key())
                    .append(" | ")
                    .append(s.name())
                    .append(" | ")
                    .append(s.partitions())
                    .append(" | ")
                    .append(String.join(", ", configs))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String meaning(String key, String value) {
        if (!key.equals("retention.ms")) {
            return "";
        }
        long ms = Long.parseLong(value);
        return ms < 0 ? " (forever)" : " (" + ms / (24L * 3600 * 1000) + " d)";
    }

    /** One row per KafkaUser: its topic ACLs grouped by operations, then its group and transactional-id ACLs. */
    @SuppressWarnings("unchecked")
    static String acls() {
        TopicLayout layout = TopicLayout.defaults();
        Map<String, String> roleOfTopic = new LinkedHashMap<>();
        layout.specs().forEach(s -> roleOfTopic.put(s.name(), s.role().key()));
        StringBuilder md = new StringBuilder("| service (user `ectstream-<service>`) | topics | groups / other |\n")
                .append("|---|---|---|\n");
        for (Map<String, Object> user : new StrimziResources(layout, "c").users("scram-sha-512")) {
            String service = ((Map<String, String>) ((Map<String, Object>) user.get("metadata")).get("labels"))
                    .get("ectstream.io/service");
            List<Map<String, Object>> acls = (List<Map<String, Object>>)
                    ((Map<String, Object>) ((Map<String, Object>) user.get("spec")).get("authorization")).get("acls");
            List<TopicRole> copies = ServiceAccess.platform().stream()
                    .filter(d -> d.service().equals(service))
                    .findFirst()
                    .orElseThrow()
                    .jsonCopies();
            Map<String, List<String>> topicsByOps = new LinkedHashMap<>();
            List<String> other = new ArrayList<>();
            for (Map<String, Object> acl : acls) {
                Map<String, Object> r = (Map<String, Object>) acl.get("resource");
                String ops =
                        String.join(", ", (List<String>) acl.get("operations")).toUpperCase(Locale.ROOT);
                String name = (String) r.get("name");
                boolean literal = r.get("patternType").equals("literal");
                String what = literal ? "`" + name + "`" : "PREFIXED `" + name + "`";
                if (r.get("type").equals("topic")) {
                    String role = literal ? roleOfTopic.get(name) : null;
                    String source = name.endsWith(Topics.JSON_COPY_SUFFIX)
                            ? roleOfTopic.get(name.substring(0, name.length() - Topics.JSON_COPY_SUFFIX.length()))
                            : null;
                    if (literal && source != null && copies.contains(TopicRole.ofKey(source))) {
                        role = source + Topics.JSON_COPY_SUFFIX; // a derived topic: the JSON copy of a role's topic
                    } else if (role != null && ops.contains("ALTERCONFIGS")) {
                        topicsByOps.putIfAbsent(ops, new ArrayList<>(List.of("every topic")));
                        continue;
                    }
                    topicsByOps.computeIfAbsent(ops, k -> new ArrayList<>()).add(role != null ? role : what);
                } else {
                    other.add(r.get("type") + " " + what + ": " + ops);
                }
            }
            List<String> topics = new ArrayList<>();
            topicsByOps.forEach((ops, names) -> topics.add(String.join(", ", names) + ": " + ops));
            md.append("| ")
                    .append(service)
                    .append(" | ")
                    .append(topics.isEmpty() ? "-" : String.join("; ", topics))
                    .append(" | ")
                    .append(other.isEmpty() ? "-" : String.join("; ", other))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** {@code text} with the part between the table's markers replaced by {@code table}. */
    static String replaced(String text, String name, String table) {
        int from = text.indexOf(begin(name));
        int to = text.indexOf(end(name));
        if (from < 0 || to < from) {
            throw new IllegalStateException(
                    FILE + " has no " + begin(name).trim() + " ... " + end(name).trim());
        }
        return text.substring(0, from + begin(name).length()) + table + text.substring(to);
    }
}
