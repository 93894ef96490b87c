package io.ectstream.launcher.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The modules depend only downward (docs/contributing.md), read from the poms and the sources: the services never
 * depend on the offline tools or the benchmarks, main code depends only on modules of a lower layer, each
 * {@code io.ectstream.<name>} package tree belongs to one module, and no source imports a package of a module it does
 * not depend on.
 */
class ModuleLayeringTest {
    private static final Path REPO = Path.of(System.getProperty("ectstream.repo.root", ".."))
            .toAbsolutePath()
            .normalize();

    /** Each module's layer: main code may depend only on modules of a lower one. */
    private static final Map<String, Integer> LAYERS = Map.of(
            "embedded-kafka", 0,
            "schemas", 1,
            "platform", 2,
            "core", 2,
            "trainer", 3,
            "sampler-service", 3,
            "evaluator", 3,
            "fid-tools", 4,
            "benchmarks", 4,
            "launcher", 5);

    private static final Set<String> SERVICES = Set.of("trainer", "sampler-service", "evaluator");
    private static final Set<String> ABOVE_THE_SERVICES = Set.of("fid-tools", "benchmarks");
    private static final Pattern PACKAGE = Pattern.compile("^package (io\\.ectstream\\.[\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?(io\\.ectstream\\.[\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);

    record Dependency(String module, boolean test) {}

    private static List<String> modules;
    private static Map<String, List<Dependency>> dependencies;

    @BeforeAll
    static void readPoms() throws Exception {
        modules = children(pom(REPO), "modules", "module");
        dependencies = new LinkedHashMap<>();
        for (String module : modules) {
            List<Dependency> deps = new ArrayList<>();
            Element project = pom(REPO.resolve(module));
            for (Element d : elements(project, "dependencies", "dependency")) {
                if ("io.ectstream".equals(text(d, "groupId"))) {
                    deps.add(new Dependency(text(d, "artifactId"), "test".equals(text(d, "scope"))));
                }
            }
            dependencies.put(module, deps);
        }
    }

    @Test
    void everyModuleHasALayer() {
        assertEquals(new TreeSet<>(LAYERS.keySet()), new TreeSet<>(modules), "a new module gets a layer here");
    }

    @Test
    void noServiceDependsOnTheToolsOrTheBenchmarks() {
        for (String module : modules) {
            if (LAYERS.get(module) > LAYERS.get("evaluator")) {
                continue;
            }
            Set<String> reached = closure(module, true);
            for (String above : ABOVE_THE_SERVICES) {
                assertTrue(
                        !reached.contains(above),
                        module + " depends on " + above + " (in any scope): " + above
                                + " is built on the services, not the other way round");
            }
        }
        assertTrue(SERVICES.stream().allMatch(LAYERS::containsKey));
    }

    @Test
    void mainCodeDependsOnlyDownward() {
        for (String module : modules) {
            for (Dependency d : dependencies.get(module)) {
                if (!d.test()) {
                    assertTrue(
                            LAYERS.get(d.module()) < LAYERS.get(module),
                            module + " (layer " + LAYERS.get(module) + ") depends on " + d.module() + " (layer "
                                    + LAYERS.get(d.module()) + ")");
                }
            }
        }
    }

    @Test
    void noCycleInAnyScope() {
        for (String module : modules) {
            for (Dependency d : dependencies.get(module)) {
                assertTrue(
                        !closure(d.module(), true).contains(module),
                        "cycle: " + module + " -> " + d.module() + " -> ... -> " + module);
            }
        }
    }

    @Test
    void eachPackageHasOneModuleAndImportsFollowThePoms() throws IOException {
        Map<String, String> owner = new HashMap<>();
        Map<String, Map<String, Set<String>>> imports = new TreeMap<>(); // module -> source set -> packages
        for (String module : modules) {
            for (String sourceSet : List.of("main", "test")) {
                Path root =
                        REPO.resolve(module).resolve("src").resolve(sourceSet).resolve("java");
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file :
                            files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        String source = Files.readString(file);
                        Matcher p = PACKAGE.matcher(source);
                        if (p.find()) {
                            String previous = owner.putIfAbsent(root(p.group(1)), module);
                            assertTrue(
                                    previous == null || previous.equals(module),
                                    "packages under " + root(p.group(1)) + " are in both " + previous + " and " + module
                                            + ": a module owns its packages");
                        }
                        Matcher i = IMPORT.matcher(source);
                        while (i.find()) {
                            imports.computeIfAbsent(module, k -> new TreeMap<>())
                                    .computeIfAbsent(sourceSet, k -> new TreeSet<>())
                                    .add(i.group(1));
                        }
                    }
                }
            }
        }
        for (var byModule : imports.entrySet()) {
            String module = byModule.getKey();
            for (var bySet : byModule.getValue().entrySet()) {
                boolean test = bySet.getKey().equals("test");
                Set<String> allowed = closure(module, test);
                for (String imported : bySet.getValue()) {
                    String from = owner.get(root(imported));
                    assertTrue(
                            from != null && allowed.contains(from),
                            module + "/src/" + bySet.getKey() + " imports " + imported + " of " + from + ", which "
                                    + module + " does not depend on");
                }
            }
        }
    }

    /** {@code io.ectstream.<first name>}: the packages one module owns (schemas' generated ones included). */
    private static String root(String pkg) {
        String[] names = pkg.split("\\.");
        return names[0] + "." + names[1] + "." + names[2];
    }

    /** The module and what it reaches: its main dependencies' closure, and with {@code test} its test ones too. */
    private static Set<String> closure(String module, boolean test) {
        Set<String> reached = new LinkedHashSet<>(List.of(module));
        List<String> todo = new ArrayList<>();
        for (Dependency d : dependencies.get(module)) {
            if (test || !d.test()) {
                todo.add(d.module());
            }
        }
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (reached.add(next)) {
                dependencies.get(next).stream().filter(d -> !d.test()).forEach(d -> todo.add(d.module()));
            }
        }
        return reached;
    }

    private static Element pom(Path dir) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(dir.resolve("pom.xml").toFile())
                .getDocumentElement();
    }

    private static List<Element> elements(Element project, String list, String item) {
        List<Element> out = new ArrayList<>();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(list)) {
                NodeList items = e.getElementsByTagName(item);
                for (int i = 0; i < items.getLength(); i++) {
                    out.add((Element) items.item(i));
                }
            }
        }
        return out;
    }

    private static List<String> children(Element project, String list, String item) {
        return elements(project, list, item).stream()
                .map(Element::getTextContent)
                .toList();
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
