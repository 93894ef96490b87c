package io.ectstream.launcher.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README is a front page that fits on a screen, and every relative link of it and of docs/*.md resolves. */
class DocLinksTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

    @Test
    void everyRelativeLinkResolvesToAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String target : links(page)) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto: ...
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved =
                        file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(REPO.relativize(page) + ": " + target + " (no " + REPO.relativize(resolved) + ")");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")) {
                    String anchor = target.substring(hash + 1);
                    if (!anchors(resolved).contains(anchor)) {
                        broken.add(REPO.relativize(page) + ": " + target + " (no heading #" + anchor + ")");
                    }
                }
            }
        }
        assertTrue(checked > 20, "the pages link to each other: " + checked + " relative links");
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void theReadmeIsAFrontPage() throws IOException {
        long lines = Files.readAllLines(REPO.resolve("README.md")).size();
        assertTrue(lines <= 200, "README.md has " + lines + " lines; details belong in a docs/ page it links to");
    }

    @Test
    void headingsBecomeGithubAnchors() {
        assertEquals(
                "acls-per-service-principal-username",
                CliReference.anchor("ACLs per service (principal `User:<name>`)"));
    }

    private static List<Path> pages() throws IOException {
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            return Stream.concat(
                            Stream.of(REPO.resolve("README.md")),
                            docs.filter(p -> p.toString().endsWith(".md")).sorted())
                    .toList();
        }
    }

    /** Link targets outside fenced code blocks and code spans. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                code = !code;
                continue;
            }
            if (code) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    private static Set<String> anchors(Path page) throws IOException {
        List<String> headings = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                code = !code;
            } else if (!code) {
                Matcher m = HEADING.matcher(line);
                if (m.matches()) {
                    headings.add(m.group(1).strip());
                }
            }
        }
        return headings.stream().map(CliReference::anchor).collect(Collectors.toSet());
    }
}
