package io.ectstream.launcher.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client of the main code starts from {@code KafkaClientSettings} (issue 32, "one Kafka vocabulary"): the
 * plain clients are built only by the platform's {@code KafkaClients}, which takes settings; the clients other
 * libraries build (Kafka Streams, Vert.x) only where their properties come from settings; and no main-code signature
 * hands raw client property maps around.
 */
class KafkaClientBuildersTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    /** The only main-code places that build a plain consumer, producer or admin client. */
    private static final Set<String> FACTORIES = Set.of(
            "platform/src/main/java/io/ectstream/platform/kafka/KafkaClients.java",
            // the test broker itself, below the platform: an admin client on its own listener, no user settings
            "embedded-kafka/src/main/java/io/ectstream/kafka/embedded/EmbeddedKafkaBroker.java",
            "embedded-kafka/src/main/java/io/ectstream/kafka/embedded/KafkaCluster.java");

    /** A client another library builds (Kafka Streams, Vert.x), and where in its place the properties come from. */
    record LibraryClient(String call, String place, String propertiesFrom) {}

    private static final List<LibraryClient> LIBRARY_CLIENTS = List.of(
            new LibraryClient(
                    "new KafkaStreams(",
                    "evaluator/src/main/java/io/ectstream/evaluator/stream/EvaluatorApp.java",
                    "StreamsSettings.properties("),
            new LibraryClient(
                    "p.putAll(",
                    "evaluator/src/main/java/io/ectstream/evaluator/stream/StreamsSettings.java",
                    "p.putAll(config.client().properties());"),
            new LibraryClient(
                    "new KafkaStreams(",
                    "evaluator/src/main/java/io/ectstream/evaluator/mirror/JsonMirror.java",
                    "p.putAll(settings.clientProperties());"),
            new LibraryClient(
                    "KafkaProducer.create(",
                    "sampler-service/src/main/java/io/ectstream/sampler/publish/KafkaPublisher.java",
                    "KafkaClients.merged("));

    private static final Set<String> LIBRARY_CALLS =
            Set.of("new KafkaStreams(", "KafkaProducer.create(", "KafkaConsumer.create(", "KafkaAdminClient.create(");

    private static final Pattern CLIENT_BUILT = Pattern.compile(
            "new\\s+(?:org\\.apache\\.kafka\\.clients\\.\\w+\\.)?(?:KafkaConsumer|KafkaProducer|KafkaAdminClient)\\s*<"
                    + "|\\b(?:org\\.apache\\.kafka\\.clients\\.admin\\.)?(?:Admin|AdminClient)\\s*\\.\\s*create\\s*\\(");

    /** A parameter {@code Map<String, Object> clientProperties}, {@code Map<String, ?> kafkaConfig}, ... */
    private static final Pattern CLIENT_MAP_PARAMETER =
            Pattern.compile("(?:Map<String,\\s*(?:Object|\\?|String)>|Properties)\\s+"
                    + "(\\w*(?:[cC]lient|[kK]afka|[cC]onsumer|[pP]roducer|[aA]dmin)\\w*)\\s*[,)]");

    @Test
    void onlyTheFactoriesBuildPlainClients() throws IOException {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> source : mainSources().entrySet()) {
            if (!FACTORIES.contains(source.getKey())) {
                lines(source, CLIENT_BUILT, found);
            }
        }
        assertEquals(
                List.of(),
                found,
                "build Kafka clients with KafkaClients.producer/consumer/admin(KafkaClientSettings, overrides)");
    }

    @Test
    void libraryClientsOnlyWhereTheirPropertiesComeFromSettings() throws IOException {
        Map<String, String> sources = mainSources();
        Set<String> places = new TreeSet<>();
        LIBRARY_CLIENTS.forEach(c -> places.add(c.place()));
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            for (String call : LIBRARY_CALLS) {
                if (!places.contains(source.getKey())) {
                    lines(source, Pattern.compile("\\b" + Pattern.quote(call)), found);
                }
            }
        }
        assertEquals(List.of(), found, "a new library-built client takes KafkaClients.merged(settings, overrides)");
        for (LibraryClient client : LIBRARY_CLIENTS) {
            String source = sources.get(client.place());
            assertTrue(source != null && source.contains(client.call()), client + ": the client moved");
            assertTrue(
                    source.contains(client.propertiesFrom()),
                    client.place() + " no longer takes its client's properties from " + client.propertiesFrom());
        }
    }

    @Test
    void noMainSignatureTakesRawClientProperties() throws IOException {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> source : mainSources().entrySet()) {
            lines(source, CLIENT_MAP_PARAMETER, found);
        }
        assertEquals(List.of(), found, "take a KafkaClientSettings, not a map of client properties");
    }

    @Test
    void thePatternsRecogniseWhatTheyForbid() {
        for (String built : List.of(
                "this.c = new KafkaConsumer<>(props, keys, values);",
                "try (var p = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(props)) {",
                "Admin admin = Admin.create(props);",
                "AdminClient.create(Map.of(\"bootstrap.servers\", servers))")) {
            assertTrue(CLIENT_BUILT.matcher(built).find(), built);
        }
        assertTrue(!CLIENT_BUILT
                .matcher("KafkaClients.consumer(settings, Map.of())")
                .find());
        for (String parameter : List.of(
                "public Feed(Map<String, Object> clientProperties, String topic) {",
                "Outbox(Map<String, ?> kafkaConfig)",
                "static void read(Properties consumerProps, Duration timeout)")) {
            assertTrue(CLIENT_MAP_PARAMETER.matcher(parameter).find(), parameter);
        }
        assertTrue(!CLIENT_MAP_PARAMETER
                .matcher("Feed(KafkaClientSettings settings, Map<String, Object> overrides)")
                .find());
    }

    /** Every main Java source of every module: repository-relative path to text. */
    private static Map<String, String> mainSources() throws IOException {
        Map<String, String> sources = new java.util.TreeMap<>();
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
                    .toList()) {
                Path root = module.resolve("src/main/java");
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file :
                            files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        sources.put(REPO.relativize(file).toString().replace('\\', '/'), Files.readString(file));
                    }
                }
            }
        }
        assertTrue(sources.size() > 100, "found the main sources under " + REPO);
        assertTrue(new TreeSet<>(sources.keySet()).containsAll(FACTORIES), "the factories moved: " + FACTORIES);
        return sources;
    }

    private static void lines(Map.Entry<String, String> source, Pattern pattern, List<String> found) {
        Matcher m = pattern.matcher(source.getValue());
        while (m.find()) {
            int line = 1
                    + (int) source.getValue()
                            .substring(0, m.start())
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
            found.add(source.getKey() + ":" + line + ": " + m.group());
        }
    }
}
