package io.ectstream.platform.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.platform.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The topic names that prose repeats (not the generated tables of own-cluster.md) are the ones Topics defines. */
class TopicNamesInDocsTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();
    private static final Pattern BACKTICKED_TOPIC = Pattern.compile("`(ect\\.[a-z.-]+)`");
    private static final Pattern DIAGRAM_TOPIC = Pattern.compile("topic (ect\\.[a-z.-]+)");

    @Test
    void theConfigurationTableListsEveryDefaultTopicName() throws IOException {
        String row = Files.readAllLines(REPO.resolve("docs/configuration.md")).stream()
                .filter(line -> line.startsWith("| topic names |"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("docs/configuration.md has no '| topic names |' row"));
        assertEquals(defaultNames(), names(BACKTICKED_TOPIC, row), "docs/configuration.md's topic names row");
    }

    @Test
    void theReadmeDiagramNamesOnlyDefinedTopics() throws IOException {
        Set<String> named = names(DIAGRAM_TOPIC, Files.readString(REPO.resolve("README.md")));
        assertFalse(named.isEmpty(), "README's data-flow diagram names its topics");
        assertTrue(defaultNames().containsAll(named), "README names topics Topics does not define: " + named);
    }

    private static Set<String> defaultNames() {
        return new TreeSet<>(Topics.defaults().names().values());
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
