package io.ectstream.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ectstream.launcher.EctStream;
import io.ectstream.platform.cli.EnvironmentDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The deployment files under docker/ and k8s/ against the launcher: every YAML file parses (all documents),
 * every {@code ectstream} subcommand and flag that a container of ours runs exists in the picocli model of
 * {@link EctStream} (and the whole command line parses there: arity, required options, types), every
 * environment variable set for our containers is one that something in the image reads, and every
 * Dockerfile's ENTRYPOINT + CMD (and each {@code ectstream} call in a RUN) is a valid invocation.
 *
 * <p>"Our" containers: compose services built from docker/*.Dockerfile or with an {@code ectstream/} image,
 * and Kubernetes containers with an {@code ectstream/} image or none (a kustomize patch). Their program is
 * ENTRYPOINT (docker/bin/ectstream) + CMD of the matching Dockerfile unless the file overrides them;
 * {@code sh -c} scripts are searched for {@code ectstream ...} commands.
 */
class DeploymentFilesTest {

    /**
     * Every environment variable our containers may set, and what reads it. An entry with a class
     * resource is checked: that class (on this test's classpath, the same jars as the image) must contain
     * the name as a string constant.
     */
    static final Map<String, Reader> KNOWN_ENV = knownEnv();

    record Reader(String where, String classResource) {}

    private static Map<String, Reader> knownEnv() {
        Map<String, Reader> m = new LinkedHashMap<>();
        m.put(
                "JAVA_TOOL_OPTIONS",
                new Reader(
                        "the JVM itself at start (HotSpot): carries -Dai.djl.offline=true and"
                                + " -Dorg.apache.avro.SERIALIZABLE_PACKAGES into every java process of the image",
                        null));
        m.put("ECTSTREAM_JAVA_OPTS", new Reader("docker/bin/ectstream (and ./ectstream): extra JVM options", null));
        m.put(
                "OPT_OUT_TRACKING",
                new Reader(
                        "DJL ai.djl.util.Ec2Utils: no telemetry call at engine start", "ai/djl/util/Ec2Utils.class"));
        m.put(
                "DJL_OFFLINE",
                new Reader("DJL ai.djl.util.Utils (offline mode: never download)", "ai/djl/util/Utils.class"));
        m.put(
                "DJL_CACHE_DIR",
                new Reader(
                        "DJL ai.djl.util.Utils (where the PyTorch natives were unpacked at build)",
                        "ai/djl/util/Utils.class"));
        m.put(
                "PYTORCH_LIBRARY_PATH",
                new Reader(
                        "DJL ai.djl.pytorch.jni.LibUtils (GPU variant: libtorch cu128 folder)",
                        "ai/djl/pytorch/jni/LibUtils.class"));
        m.put(
                "PYTORCH_FLAVOR",
                new Reader(
                        "DJL ai.djl.pytorch.jni.LibUtils (GPU variant: cu128 JNI library)",
                        "ai/djl/pytorch/jni/LibUtils.class"));
        m.put(
                "PYTORCH_VERSION",
                new Reader(
                        "DJL ai.djl.pytorch.jni.LibUtils (GPU variant: version of that libtorch)",
                        "ai/djl/pytorch/jni/LibUtils.class"));
        m.put(
                "OMP_NUM_THREADS",
                new Reader(
                        "the OpenMP runtime inside libtorch: CPU threads of PyTorch (docker/bin/ectstream derives it from"
                                + " the CPU limit when unset)",
                        null));
        m.put("MKL_NUM_THREADS", new Reader("MKL inside libtorch: its CPU threads (docker/bin/ectstream)", null));
        // Every other ECTSTREAM_* name must be the variable of a flag of the command the container runs
        // (EnvironmentDefaults), which Checker.checkEnv looks up in the picocli model.
        m.put(
                "ECTSTREAM_ALLOW_NATIVE_DOWNLOAD",
                new Reader(
                        "io.ectstream.core.device.DeviceOptions (and ./ectstream):"
                                + " lets DJL download its CUDA build",
                        "io/ectstream/core/device/DeviceOptions.class"));
        return m;
    }

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    static Path repo;

    @BeforeAll
    static void findRepository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docker"))
                    && Files.isDirectory(dir.resolve("k8s"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))) {
                repo = dir;
                return;
            }
        }
        fail("no folder with docker/, k8s/ and pom.xml above " + Path.of("").toAbsolutePath());
    }

    // ---------------------------------------------------------------- the files in the repository

    @Test
    void everyYamlFileParsesAndItsCommandsFlagsAndEnvironmentExist() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(
                files.stream().anyMatch(f -> f.endsWith(Path.of("docker", "compose.yaml"))),
                "docker/compose.yaml missing");
        assertTrue(files.stream().anyMatch(f -> f.startsWith(repo.resolve("k8s"))), "no YAML under k8s/");
        Checker checker = new Checker();
        int documents = 0;
        for (Path file : files) {
            List<JsonNode> docs =
                    readAll(Files.readString(file), repo.relativize(file).toString());
            documents += docs.size();
            checker.checkFile(repo.relativize(file).toString(), docs);
        }
        assertEquals(List.of(), checker.problems, "deployment files disagree with the launcher");
        assertTrue(documents >= files.size(), "every file holds at least one document");
        // The files do run the services: a check that found nothing to check would pass for the wrong reason.
        assertTrue(
                checker.invocations.containsAll(
                        Set.of("pipeline", "serve", "evaluate", "topics create", "evaluation-driver")),
                "subcommands seen: " + checker.invocations);
        assertTrue(checker.envChecked >= 8, "environment variables checked: " + checker.envChecked);
    }

    @Test
    void everyDockerfileRunsValidCommandsAndSetsKnownEnvironment() throws IOException {
        List<Path> dockerfiles;
        try (Stream<Path> s = Files.list(repo.resolve("docker"))) {
            dockerfiles = s.filter(p -> p.getFileName().toString().endsWith(".Dockerfile"))
                    .sorted()
                    .toList();
        }
        assertEquals(
                List.of("evaluator.Dockerfile", "sampler.Dockerfile", "trainer.Dockerfile"),
                dockerfiles.stream().map(p -> p.getFileName().toString()).toList());
        Checker checker = new Checker();
        for (Path file : dockerfiles) {
            Dockerfile d = Dockerfile.parse(Files.readString(file));
            String where = repo.relativize(file).toString();
            assertEquals(List.of("ectstream"), d.entrypoint, where + " ENTRYPOINT");
            assertFalse(d.cmd.isEmpty(), where + " has no CMD");
            checker.checkArgv(where + " ENTRYPOINT+CMD", concat(d.entrypoint, d.cmd));
            int runCalls = 0;
            for (String run : d.runs) {
                runCalls += checker.checkScript(where + " RUN", run);
            }
            assertTrue(runCalls >= 1, where + ": no RUN calls ectstream (the engine must load at build time)");
            d.env.keySet().forEach(name -> checker.checkEnv(where + " ENV", name));
            assertTrue(
                    d.env.keySet()
                            .containsAll(
                                    Set.of("JAVA_TOOL_OPTIONS", "OPT_OUT_TRACKING", "DJL_OFFLINE", "DJL_CACHE_DIR")),
                    where + " ENV: " + d.env.keySet());
            String jto = d.env.get("JAVA_TOOL_OPTIONS");
            assertTrue(
                    jto.contains("-Dai.djl.offline=true")
                            && jto.contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.ectstream.schemas"),
                    where + " JAVA_TOOL_OPTIONS: " + jto);
            assertEquals("true", d.env.get("OPT_OUT_TRACKING"), where);
            assertEquals("true", d.env.get("DJL_OFFLINE"), where);
            assertTrue(d.user != null && !d.user.equals("root") && !d.user.equals("0"), where + " runs as root");
            assertTrue(d.stages >= 2, where + " is not multi-stage");
            assertTrue(
                    Files.readString(file).contains("COPY --from=build /src/models/ /app/models/"),
                    where + " must ship models/ (the feature net and statistics of the README's FID scale)");
            if (where.contains("sampler")) {
                assertTrue(
                        d.healthcheck != null
                                && d.healthcheck.contains("/health")
                                && d.healthcheck.contains(":" + optionValue(d.cmd, "--http-port") + "/"),
                        where + " HEALTHCHECK: " + d.healthcheck);
            }
        }
        assertEquals(List.of(), checker.problems);
        assertTrue(
                checker.invocations.containsAll(Set.of("pipeline", "serve", "evaluate", "train")),
                checker.invocations.toString());
    }

    @Test
    void everyKnownVariableIsReadWhereTheListSays() throws IOException {
        for (Map.Entry<String, Reader> e : KNOWN_ENV.entrySet()) {
            String resource = e.getValue().classResource();
            if (resource == null) {
                continue;
            }
            try (InputStream in = DeploymentFilesTest.class.getClassLoader().getResourceAsStream(resource)) {
                assertTrue(in != null, resource + " is not on the classpath");
                String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(bytes.contains(e.getKey()), resource + " does not mention " + e.getKey());
            }
        }
        assertTrue(
                Files.readString(repo.resolve("docker/bin/ectstream")).contains("${ECTSTREAM_JAVA_OPTS"),
                "docker/bin/ectstream must read ECTSTREAM_JAVA_OPTS");
    }

    /** docker/bin/ectstream gives PyTorch as many threads as the container may use, unless told otherwise. */
    @Test
    void theImageCommandSetsPyTorchThreads() throws Exception {
        Assumptions.assumeTrue(onPath("sh") && onPath("nproc"), "no sh/nproc");
        Path bin = Files.createTempDirectory("fake-java");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$OMP_NUM_THREADS $MKL_NUM_THREADS\"\n");
        assertTrue(java.toFile().setExecutable(true));
        int cores = Integer.parseInt(run(bin, Map.of(), "nproc").trim());
        String[] derived = run(
                        bin,
                        Map.of(),
                        "sh",
                        repo.resolve("docker/bin/ectstream").toString(),
                        "serve")
                .trim()
                .split(" ");
        int threads = Integer.parseInt(derived[0]);
        assertTrue(threads >= 1 && threads <= cores, "threads " + threads + " of " + cores + " cores");
        assertEquals(derived[0], derived[1], "MKL follows OpenMP");
        assertEquals(
                "3 3",
                run(
                                bin,
                                Map.of("OMP_NUM_THREADS", "3"),
                                "sh",
                                repo.resolve("docker/bin/ectstream").toString())
                        .trim());
        assertEquals(
                "3 2",
                run(
                                bin,
                                Map.of("OMP_NUM_THREADS", "3", "MKL_NUM_THREADS", "2"),
                                "sh",
                                repo.resolve("docker/bin/ectstream").toString())
                        .trim());
    }

    private static String run(Path bin, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("MKL_NUM_THREADS");
        pb.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theTrainingConfigMapIsTheDemoConfiguration() throws IOException {
        JsonNode inK8s = YAML.readTree(Files.readString(repo.resolve("k8s/base/training.yaml")));
        JsonNode demo = YAML.readTree(Files.readString(repo.resolve("configs/demo.yaml")));
        assertEquals(demo, inK8s, "k8s/base/training.yaml drifted from configs/demo.yaml (comments aside)");
    }

    /**
     * The overlays as kustomize renders them (kubectl's built-in kustomize), so that patches are checked merged:
     * the same command and environment checks, plus the references and probes that only exist after merging.
     * Skipped where kubectl is not installed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "gpu"})
    void kustomizeOverlayRendersAndItsMergedObjectsPassTheChecks(String overlay) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl not installed: rendering not checked");
        String rendered = kustomize(repo.resolve("k8s/overlays").resolve(overlay));
        List<JsonNode> docs = readAll(rendered, overlay);
        Checker checker = new Checker();
        checker.checkFile("rendered " + overlay, docs);
        assertEquals(List.of(), checker.problems, overlay);
        assertTrue(
                checker.invocations.containsAll(
                        Set.of("pipeline", "serve", "evaluate", "topics create", "evaluation-driver")),
                overlay + ": " + checker.invocations);

        Map<String, JsonNode> byKindName = new LinkedHashMap<>();
        for (JsonNode d : docs) {
            byKindName.put(
                    d.path("kind").asText() + "/"
                            + d.path("metadata").path("name").asText(),
                    d);
            if (!d.path("kind").asText().equals("Namespace")) {
                assertEquals(
                        "ectstream", d.path("metadata").path("namespace").asText(), overlay + " " + d.path("kind"));
            }
        }
        JsonNode trainerPod = podSpec(byKindName.get("Job/trainer"));
        String trainingMap = null;
        for (JsonNode v : trainerPod.path("volumes")) {
            if (v.has("configMap")) {
                trainingMap = v.path("configMap").path("name").asText();
            }
        }
        assertTrue(
                trainingMap != null
                        && trainingMap.startsWith("ectstream-training-")
                        && byKindName.containsKey("ConfigMap/" + trainingMap),
                overlay + ": trainer mounts " + trainingMap);

        JsonNode sampler =
                podSpec(byKindName.get("Deployment/sampler")).path("containers").get(0);
        List<String> args = strings(sampler.path("args"));
        String httpPort = optionValue(args, "--http-port");
        JsonNode readiness = sampler.path("readinessProbe").path("httpGet");
        assertEquals("/ready", readiness.path("path").asText(), overlay);
        String probePort = readiness.path("port").asText();
        for (JsonNode port : sampler.path("ports")) {
            if (port.path("name").asText().equals(probePort)) {
                probePort = port.path("containerPort").asText();
            }
        }
        assertEquals(httpPort, probePort, overlay + ": readiness probe port vs --http-port");

        String device = overlay.equals("gpu") ? "gpu" : "auto";
        assertEquals(device, optionValue(args, "--device"), overlay + " sampler --device");
        assertEquals(
                device, optionValue(strings(trainerPod.path("containers").get(0).path("args")), "--device"), overlay);
        if (overlay.equals("gpu")) {
            assertEquals(
                    "1",
                    sampler.path("resources")
                            .path("limits")
                            .path("nvidia.com/gpu")
                            .asText(),
                    "gpu sampler");
            assertTrue(
                    sampler.path("envFrom").size() == 1 && sampler.path("env").size() == 7,
                    "gpu patch merged: " + sampler);
            for (JsonNode pod : List.of(trainerPod, podSpec(byKindName.get("Deployment/sampler")))) {
                assertEquals("nvidia", pod.path("runtimeClassName").asText(), "gpu runtime class");
                assertEquals(
                        "true",
                        pod.path("nodeSelector").path("nvidia.com/gpu.present").asText(),
                        "gpu node selector");
                JsonNode container = pod.path("containers").get(0);
                assertEquals(
                        "1",
                        container
                                .path("resources")
                                .path("limits")
                                .path("nvidia.com/gpu")
                                .asText(),
                        "gpu limit");
                assertEquals(
                        "4",
                        container.path("resources").path("requests").path("cpu").asText(),
                        "gpu pods request 4 cores (their OMP_NUM_THREADS)");
            }
            assertTrue(byKindName.containsKey("ScaledObject/sampler"), "gpu: KEDA ScaledObject");
        } else {
            assertEquals(
                    "ReadWriteOnce",
                    byKindName
                            .get("PersistentVolumeClaim/checkpoints")
                            .path("spec")
                            .path("accessModes")
                            .get(0)
                            .asText());
            assertTrue(byKindName.containsKey("HorizontalPodAutoscaler/sampler"), "local: HPA");
        }
        checkOperations(overlay, docs, byKindName);
    }

    /**
     * The operations wiring of a rendered overlay: threads, ops ports, probes, grace periods, the sampler's token,
     * disruption budgets, network policies, Services and ServiceMonitors pointing at ports and labels that exist.
     */
    static void checkOperations(String overlay, List<JsonNode> docs, Map<String, JsonNode> byKindName) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> pods = new LinkedHashMap<>();
        for (JsonNode d : docs) {
            JsonNode pod = d.has("kind") ? podSpec(d) : null;
            if (pod != null) {
                pods.put(
                        d.path("kind").asText() + "/"
                                + d.path("metadata").path("name").asText(),
                        d);
            }
        }
        for (Map.Entry<String, JsonNode> e : pods.entrySet()) {
            JsonNode pod = podSpec(e.getValue());
            for (JsonNode c : pod.path("containers")) {
                String image = c.path("image").asText();
                if (!image.startsWith("ectstream/")) {
                    continue;
                }
                String where = overlay + " " + e.getKey() + " " + c.path("name").asText();
                Map<String, JsonNode> env = new LinkedHashMap<>();
                c.path("env").forEach(v -> env.put(v.path("name").asText(), v));
                List<String> args = strings(c.path("args"));
                boolean service = args.size() > 0 && !args.get(0).equals("topics");
                if (service) {
                    for (String threads : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS")) {
                        JsonNode ref = env.getOrDefault(threads, JSON.nullNode())
                                .path("valueFrom")
                                .path("resourceFieldRef");
                        if (!ref.path("resource").asText().equals("requests.cpu")) {
                            problems.add(where + ": " + threads + " is not the cores requested: " + env.get(threads));
                        }
                    }
                }
                if (env.containsKey("ECTSTREAM_OPS_PORT")) {
                    String port = env.get("ECTSTREAM_OPS_PORT").path("value").asText();
                    if (!"0.0.0.0"
                            .equals(env.getOrDefault("ECTSTREAM_OPS_HOST", JSON.nullNode())
                                    .path("value")
                                    .asText())) {
                        problems.add(where + ": ECTSTREAM_OPS_HOST must be 0.0.0.0 for probes and scrapes");
                    }
                    if (!port.equals(namedPort(c, "ops"))) {
                        problems.add(
                                where + ": container port 'ops' is " + namedPort(c, "ops") + ", the ops port " + port);
                    }
                    probe(problems, where, c, "readinessProbe", "/ready", "ops");
                    probe(problems, where, c, "livenessProbe", "/health", "ops");
                    long drain = env.containsKey("ECTSTREAM_DRAIN_TIMEOUT_S")
                            ? env.get("ECTSTREAM_DRAIN_TIMEOUT_S").path("value").asLong()
                            : io.ectstream.platform.ops.OpsOptions.DEFAULT_DRAIN_TIMEOUT_S;
                    long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
                    if (grace < drain + 10) {
                        problems.add(where + ": terminationGracePeriodSeconds " + grace + " leaves no margin over the"
                                + " drain timeout " + drain + " s");
                    }
                    if (findService(docs, e.getValue(), "ops", "ectstream.io/metrics", "ops") == null) {
                        problems.add(where + ": no Service labelled ectstream.io/metrics=ops selects it on port ops");
                    }
                } else if (service && !args.get(0).equals("serve")) {
                    problems.add(where + ": a long-running service without ECTSTREAM_OPS_PORT (no /health, /metrics)");
                }
                if (args.size() > 0 && args.get(0).equals("serve")) {
                    JsonNode token = env.getOrDefault("ECTSTREAM_HTTP_TOKEN", JSON.nullNode())
                            .path("valueFrom")
                            .path("secretKeyRef");
                    if (!token.path("name").asText().equals("sampler-http-token")) {
                        problems.add(where + ": the HTTP token does not come from Secret sampler-http-token");
                    }
                    if (overlay.equals("local") && !byKindName.containsKey("Secret/sampler-http-token")) {
                        problems.add(where + ": the local overlay must generate Secret sampler-http-token");
                    }
                    probe(problems, where, c, "readinessProbe", "/ready", "http");
                    if (pod.path("terminationGracePeriodSeconds").asLong(30) < 20) {
                        problems.add(where + ": grace period shorter than serve's 10 s drain plus commits");
                    }
                    if (findService(docs, e.getValue(), "http", null, null) == null) {
                        problems.add(where + ": no Service selects it on port http");
                    }
                }
            }
        }
        for (String name : List.of("sampler", "evaluator")) {
            JsonNode pdb = byKindName.get("PodDisruptionBudget/" + name);
            JsonNode workload = byKindName.get("Deployment/" + name);
            if (pdb == null || !selects(pdb.path("spec").path("selector").path("matchLabels"), workload)) {
                problems.add(overlay + ": no PodDisruptionBudget selects Deployment " + name);
            }
        }
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            String name = kind + "/" + d.path("metadata").path("name").asText();
            if (kind.equals("NetworkPolicy")) {
                List<JsonNode> selected = pods.values().stream()
                        .filter(w -> matchesSelector(d.path("spec").path("podSelector"), w))
                        .toList();
                if (selected.isEmpty()) {
                    problems.add(overlay + " " + name + " selects no pod");
                }
                for (JsonNode rule : d.path("spec").path("ingress")) {
                    for (JsonNode port : rule.path("ports")) {
                        for (JsonNode w : selected) {
                            if (namedPort(
                                            podSpec(w).path("containers").get(0),
                                            port.path("port").asText())
                                    == null) {
                                problems.add(overlay + " " + name + ": "
                                        + w.path("metadata").path("name").asText() + " has no port "
                                        + port.path("port").asText());
                            }
                        }
                    }
                }
            }
            if (kind.equals("ServiceMonitor")) {
                List<JsonNode> services = docs.stream()
                        .filter(s -> s.path("kind").asText().equals("Service"))
                        .filter(s -> contains(
                                s.path("metadata").path("labels"),
                                d.path("spec").path("selector").path("matchLabels")))
                        .toList();
                if (services.isEmpty()) {
                    problems.add(overlay + " " + name + " selects no Service");
                }
                for (JsonNode endpoint : d.path("spec").path("endpoints")) {
                    for (JsonNode s : services) {
                        boolean hasPort = false;
                        for (JsonNode p : s.path("spec").path("ports")) {
                            hasPort |= p.path("name")
                                    .asText()
                                    .equals(endpoint.path("port").asText());
                        }
                        if (!hasPort) {
                            problems.add(overlay + " " + name + ": Service "
                                    + s.path("metadata").path("name").asText() + " has no port "
                                    + endpoint.path("port").asText());
                        }
                    }
                    JsonNode credentials = endpoint.path("authorization").path("credentials");
                    if (services.stream()
                                    .anyMatch(s -> s.path("metadata")
                                            .path("name")
                                            .asText()
                                            .equals("sampler"))
                            && !credentials.path("name").asText().equals("sampler-http-token")) {
                        problems.add(overlay + " " + name + ": scraping the sampler needs its token");
                    }
                }
            }
        }
        JsonNode topicsJob = podSpec(byKindName.get("Job/kafka-topics"));
        List<String> topicsArgs = strings(topicsJob.path("containers").get(0).path("args"));
        if (!topicsArgs.subList(0, 2).equals(List.of("topics", "create"))
                || !topicsJob.path("containers").get(0).path("image").asText().startsWith("ectstream/")) {
            problems.add(overlay + ": the topics Job must run the image's ectstream topics create: " + topicsArgs);
        }
        if (overlay.equals("gpu")) {
            for (String monitor : List.of("ServiceMonitor/sampler", "ServiceMonitor/ectstream-ops")) {
                if (!byKindName.containsKey(monitor)) {
                    problems.add("gpu: " + monitor + " missing");
                }
            }
        }
        assertEquals(List.of(), problems, overlay);
    }

    private static void probe(List<String> problems, String where, JsonNode c, String probe, String path, String port) {
        JsonNode get = c.path(probe).path("httpGet");
        if (!get.path("path").asText().equals(path)
                || !get.path("port").asText().equals(port)) {
            problems.add(where + ": " + probe + " must GET " + path + " on port " + port + ", is " + c.path(probe));
        }
    }

    static String namedPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asText();
            }
        }
        return null;
    }

    private static JsonNode findService(
            List<JsonNode> docs, JsonNode workload, String port, String label, String labelValue) {
        for (JsonNode s : docs) {
            if (!s.path("kind").asText().equals("Service")
                    || !selects(s.path("spec").path("selector"), workload)
                    || (label != null
                            && !labelValue.equals(s.path("metadata")
                                    .path("labels")
                                    .path(label)
                                    .asText()))) {
                continue;
            }
            for (JsonNode p : s.path("spec").path("ports")) {
                if (p.path("targetPort").asText().equals(port)) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A plain label selector (matchLabels or a Service's selector) matches the workload's pod template. */
    static boolean selects(JsonNode matchLabels, JsonNode workload) {
        return workload != null
                && matchLabels.size() > 0
                && contains(
                        workload.path("spec").path("template").path("metadata").path("labels"), matchLabels);
    }

    /** A LabelSelector (matchLabels and matchExpressions with In) matches the workload's pod template. */
    static boolean matchesSelector(JsonNode selector, JsonNode workload) {
        JsonNode labels =
                workload.path("spec").path("template").path("metadata").path("labels");
        if (!contains(labels, selector.path("matchLabels"))) {
            return false;
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
            boolean in = false;
            for (JsonNode v : expr.path("values")) {
                in |= v.asText().equals(labels.path(expr.path("key").asText()).asText());
            }
            if (!expr.path("operator").asText().equals("In") || !in) {
                return false;
            }
        }
        return true;
    }

    static boolean contains(JsonNode labels, JsonNode wanted) {
        var it = wanted.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null
                && Stream.of(path.split(java.io.File.pathSeparator))
                        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    private static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "kubectl kustomize did not finish");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + ":\n" + out);
        return out;
    }

    // ---------------------------------------------------------------- the checker must be able to fail

    static final String BAD_COMPOSE = """
        services:
          sampler:
            image: ectstream/sampler:test
            command: ["serve", "--bootstrap-servers", "kafka:9092", "%s", "1", "--http-host", "0.0.0.0"]
            environment:
              %s: "x"
              ECTSTREAM_HTTP_TOKEN: "0123456789abcdef"
              ECTSTREAM_MAX_WAIT_MS: "5"
          init:
            image: ectstream/evaluator:test
            entrypoint: ["/bin/sh", "-c"]
            command:
              - |
                set -e
                if [ ! -s /a/f ]; then
                  ectstream train-feature-net --out /a/f %s 3
                fi
          kafka:
            image: apache/kafka:4.4.0
            command: ["--not-ours-so-unchecked"]
            environment:
              KAFKA_NODE_ID: "1"
        """;

    static final String BAD_K8S = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: sampler}
        spec:
          template:
            spec:
              containers:
                - name: sampler
                  image: ectstream/sampler:test
                  args: ["%s", "--http-host", "0.0.0.0", "--http-token-file", "/t"]
        """;

    @Test
    void aFlagThatDoesNotExistFailsTheCheck() {
        List<String> good = check("compose.yaml", BAD_COMPOSE.formatted("--max-batch", "DJL_CACHE_DIR", "--epochs"));
        assertEquals(List.of(), good, "the control snippet must pass, or the failures below prove nothing");

        List<String> badFlag =
                check("compose.yaml", BAD_COMPOSE.formatted("--max-batchsize", "DJL_CACHE_DIR", "--epochs"));
        assertTrue(
                badFlag.stream().anyMatch(p -> p.contains("serve") && p.contains("--max-batchsize")),
                badFlag.toString());

        List<String> badScriptFlag =
                check("compose.yaml", BAD_COMPOSE.formatted("--max-batch", "DJL_CACHE_DIR", "--epoch"));
        assertTrue(
                badScriptFlag.stream().anyMatch(p -> p.contains("train-feature-net") && p.contains("--epoch")),
                badScriptFlag.toString());

        List<String> badEnv =
                check("compose.yaml", BAD_COMPOSE.formatted("--max-batch", "DJL_CACHE_DIRECTORY", "--epochs"));
        assertTrue(badEnv.stream().anyMatch(p -> p.contains("DJL_CACHE_DIRECTORY")), badEnv.toString());
        assertTrue(
                badEnv.stream().noneMatch(p -> p.contains("KAFKA_NODE_ID") || p.contains("not-ours")),
                "the broker's own settings are not ours to check: " + badEnv);
    }

    @Test
    void anUnknownSubcommandOrABadValueFailsTheCheck() {
        List<String> badSub = check("k8s.yaml", BAD_K8S.formatted("serv"));
        assertTrue(badSub.stream().anyMatch(p -> p.contains("serv") && p.contains("no subcommand")), badSub.toString());

        List<String> badValue = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("\"1\"", "\"many\""));
        assertTrue(badValue.stream().anyMatch(p -> p.contains("many")), badValue.toString());

        List<String> missingRequired = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("--out /a/f", ""));
        assertTrue(missingRequired.stream().anyMatch(p -> p.contains("--out")), missingRequired.toString());

        List<String> loopback = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("0.0.0.0", "127.0.0.1"));
        assertTrue(loopback.stream().anyMatch(p -> p.contains("must bind 0.0.0.0")), loopback.toString());

        List<String> noToken = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("ECTSTREAM_HTTP_TOKEN", "ECTSTREAM_HTTP_PORT"));
        assertEquals(1, noToken.size(), noToken.toString());
        assertTrue(noToken.get(0).contains("without a bearer token"), noToken.toString());
    }

    @Test
    void anEctstreamVariableMustBeAFlagOfTheCommandTheContainerRuns() {
        List<String> notServes = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("ECTSTREAM_MAX_WAIT_MS", "ECTSTREAM_OPS_PORT"));
        assertEquals(1, notServes.size(), notServes.toString());
        assertTrue(
                notServes.get(0).contains("ECTSTREAM_OPS_PORT, the variable of no flag of [ectstream serve]"),
                notServes.toString());

        List<String> typo = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("ECTSTREAM_MAX_WAIT_MS", "ECTSTREAM_MAX_WAIT"));
        assertTrue(typo.stream().anyMatch(p -> p.contains("sets ECTSTREAM_MAX_WAIT,")), typo.toString());

        List<String> missingModel = check(
                "compose.yaml",
                BAD_COMPOSE
                        .formatted("--max-batch", "DJL_CACHE_DIR", "--epochs")
                        .replace("--out /a/f", "--out /app/models/no-such.feature-net"));
        assertTrue(missingModel.stream().anyMatch(p -> p.contains("no-such.feature-net")), missingModel.toString());
    }

    @Test
    void aDockerfileWithAWrongFlagOrVariableFailsTheCheck() throws IOException {
        String dockerfile = """
            FROM eclipse-temurin:17-jdk AS build
            FROM eclipse-temurin:17-jre
            ENV OPT_OUT_TRACKING=true \\
                %s=/opt/djl
            RUN ectstream train --config c.yaml %s pretrain.kimg=0.032 > /tmp/log 2>&1 && rm -rf /tmp/x
            ENTRYPOINT ["ectstream"]
            CMD ["serve", "%s", "8081"]
            """;
        List<String> good = checkDockerfile(dockerfile.formatted("DJL_CACHE_DIR", "--set", "--http-port"));
        assertEquals(List.of(), good, "the control Dockerfile must pass");
        List<String> bad = checkDockerfile(dockerfile.formatted("DJL_CACHE", "--sets", "--http-prt"));
        assertTrue(bad.stream().anyMatch(p -> p.contains("sets DJL_CACHE,")), bad.toString());
        assertTrue(bad.stream().anyMatch(p -> p.contains("'ectstream train' has no option --sets")), bad.toString());
        assertTrue(
                bad.stream().anyMatch(p -> p.contains("'ectstream serve' has no option --http-prt")), bad.toString());
        List<String> open = checkDockerfile(dockerfile
                .formatted("DJL_CACHE_DIR", "--set", "--http-port")
                .replace("\"8081\"]", "\"8081\", \"--http-host\", \"0.0.0.0\"]"));
        assertEquals(1, open.size(), open.toString());
        assertTrue(open.get(0).contains("0.0.0.0 without a bearer token"), open.toString());
    }

    private static List<String> checkDockerfile(String text) throws IOException {
        Dockerfile d = Dockerfile.parse(text);
        assertEquals(2, d.stages());
        Checker checker = new Checker();
        checker.checkArgv("Dockerfile", concat(d.entrypoint(), d.cmd()));
        d.runs().forEach(run -> checker.checkScript("Dockerfile RUN", run));
        d.env().keySet().forEach(name -> checker.checkEnv("Dockerfile ENV", name));
        return checker.problems;
    }

    @Test
    void shellScriptsAreSplitIntoCommands() {
        List<List<String>> commands = Shell.commands("""
            set -e; a=/x
            if [ -s $a/f ]; then echo "ectstream --ignored"; exit 0; fi
            ectstream train-feature-net --out "$a/f net" \\
              --seed 1 > /tmp/log 2>&1 && ectstream reference-stats --out $a/s 2> err.txt || exit 1
            """);
        List<List<String>> ours = commands.stream()
                .filter(c -> !c.isEmpty() && c.get(0).equals("ectstream"))
                .toList();
        assertEquals(
                List.of(
                        List.of("ectstream", "train-feature-net", "--out", "$a/f net", "--seed", "1"),
                        List.of("ectstream", "reference-stats", "--out", "$a/s")),
                ours);
    }

    private static List<String> check(String name, String yaml) {
        Checker checker = new Checker();
        checker.checkFile(name, readAll(yaml, name));
        return checker.problems;
    }

    // ---------------------------------------------------------------- the checker

    /** Walks parsed YAML documents (compose files and Kubernetes objects) and collects every disagreement. */
    static final class Checker {
        final List<String> problems = new ArrayList<>();
        final Set<String> invocations = new TreeSet<>();
        int envChecked;
        /** The environment of the container being checked (null: an image's own default, e.g. a Dockerfile CMD). */
        private Set<String> containerEnv;
        /** The ectstream (sub)commands that container runs: its ECTSTREAM_* variables must be flags of one of them. */
        private final List<CommandSpec> containerCommands = new ArrayList<>();

        void inContainer(List<String> env, Runnable check) {
            containerEnv = new TreeSet<>(env);
            containerCommands.clear();
            try {
                check.run();
            } finally {
                containerEnv = null;
                containerCommands.clear();
            }
        }

        void checkFile(String file, List<JsonNode> docs) {
            for (JsonNode doc : docs) {
                if (doc == null || doc.isMissingNode() || doc.isNull()) {
                    continue;
                }
                if (doc.has("services")) {
                    doc.get("services")
                            .fields()
                            .forEachRemaining(s -> checkComposeService(file + " service " + s.getKey(), s.getValue()));
                }
                if (doc.has("kind")) {
                    checkKubernetesObject(file, doc, docs);
                }
            }
        }

        private void checkComposeService(String where, JsonNode service) {
            String image = service.path("image").asText(null);
            String dockerfile = service.path("build").path("dockerfile").asText(null);
            boolean ours = dockerfile != null || (image != null && image.contains("ectstream/"));
            if (!ours) {
                return;
            }
            List<String> env = environmentNames(service.get("environment"));
            Dockerfile image0 = dockerfileFor(dockerfile, image);
            List<String> entrypoint =
                    service.has("entrypoint") ? strings(service.get("entrypoint")) : image0.entrypoint;
            List<String> command = service.has("command") ? strings(service.get("command")) : image0.cmd;
            inContainer(env, () -> {
                checkArgv(where, concat(entrypoint, command));
                env.forEach(n -> checkEnv(where, n));
            });
        }

        private void checkKubernetesObject(String file, JsonNode doc, List<JsonNode> sameFile) {
            String where = file + " " + doc.path("kind").asText() + "/"
                    + doc.path("metadata").path("name").asText();
            JsonNode pod = podSpec(doc);
            if (pod == null) {
                return;
            }
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : pod.path(list)) {
                    String image = c.path("image").asText(null);
                    boolean ours = image == null || image.contains("ectstream/");
                    if (!ours) {
                        continue;
                    }
                    String cw = where + " container " + c.path("name").asText();
                    Map<String, String> env = new LinkedHashMap<>();
                    for (JsonNode e : c.path("env")) {
                        env.put(e.path("name").asText(), cw);
                    }
                    for (JsonNode from : c.path("envFrom")) {
                        String cm = from.path("configMapRef").path("name").asText(null);
                        if (cm != null) {
                            configMapKeys(cm, sameFile).forEach(k -> env.put(k, cw + " envFrom " + cm));
                        }
                    }
                    boolean hasCommand = c.has("command");
                    boolean hasArgs = c.has("args");
                    if (image == null && !hasCommand && !hasArgs) {
                        env.forEach((name, w) -> checkEnv(w, name));
                        continue; // a patch that changes something else
                    }
                    Dockerfile image0 = dockerfileFor(null, image);
                    List<String> argv = concat(
                            hasCommand ? strings(c.get("command")) : image0.entrypoint,
                            hasArgs ? strings(c.get("args")) : hasCommand ? List.of() : image0.cmd);
                    inContainer(List.copyOf(env.keySet()), () -> {
                        checkArgv(cw, argv);
                        env.forEach((name, w) -> checkEnv(w, name));
                    });
                }
            }
        }

        private List<String> configMapKeys(String name, List<JsonNode> sameFile) {
            List<JsonNode> candidates = new ArrayList<>(sameFile);
            candidates.addAll(allKubernetesDocuments());
            for (JsonNode d : candidates) {
                if ("ConfigMap".equals(d.path("kind").asText())
                        && name.equals(d.path("metadata").path("name").asText())) {
                    List<String> keys = new ArrayList<>();
                    d.path("data").fieldNames().forEachRemaining(keys::add);
                    return keys;
                }
            }
            problems.add("envFrom names ConfigMap " + name + ", which no file under k8s/ defines");
            return List.of();
        }

        /** argv of a container: ectstream directly, java -jar .../ectstream.jar, or a shell script calling ectstream. */
        void checkArgv(String where, List<String> argv) {
            if (argv.isEmpty()) {
                problems.add(where + ": runs nothing");
                return;
            }
            String program = baseName(argv.get(0));
            if ((program.equals("sh") || program.equals("bash")) && argv.contains("-c")) {
                int i = argv.indexOf("-c");
                if (i + 1 >= argv.size()) {
                    problems.add(where + ": sh -c without a script");
                    return;
                }
                if (checkScript(where, argv.get(i + 1)) == 0) {
                    problems.add(where + ": its script never runs ectstream");
                }
                return;
            }
            if (program.equals("ectstream")) {
                checkInvocation(where, argv.subList(1, argv.size()));
                return;
            }
            int jar = argv.indexOf("-jar");
            if (program.equals("java")
                    && jar >= 0
                    && jar + 1 < argv.size()
                    && argv.get(jar + 1).endsWith("ectstream.jar")) {
                checkInvocation(where, argv.subList(jar + 2, argv.size()));
                return;
            }
            problems.add(where + ": runs " + argv + ", not ectstream");
        }

        /** Checks each {@code ectstream ...} command of a shell script; returns how many there were. */
        int checkScript(String where, String script) {
            int n = 0;
            for (List<String> command : Shell.commands(script)) {
                if (!command.isEmpty() && baseName(command.get(0)).equals("ectstream")) {
                    checkInvocation(where + " (script)", command.subList(1, command.size()));
                    n++;
                }
            }
            return n;
        }

        void checkInvocation(String where, List<String> args) {
            CommandLine root = new CommandLine(new EctStream());
            if (args.isEmpty()) {
                problems.add(where + ": ectstream without a subcommand");
                return;
            }
            String name = args.get(0);
            CommandLine sub = root.getSubcommands().get(name);
            if (sub == null) {
                problems.add(where + ": ectstream has no subcommand '" + name + "' (it has "
                        + new TreeSet<>(root.getSubcommands().keySet()) + ")");
                return;
            }
            int first = 1;
            String path = name;
            while (first < args.size() && sub.getSubcommands().containsKey(args.get(first))) {
                sub = sub.getSubcommands().get(args.get(first));
                path += " " + args.get(first);
                first++;
            }
            invocations.add(path);
            CommandSpec spec = sub.getCommandSpec();
            containerCommands.add(spec);
            int before = problems.size();
            for (String token : args.subList(first, args.size())) {
                int models = token.indexOf("/app/models/");
                if (models >= 0
                        && !Files.isRegularFile(
                                repo.resolve("models").resolve(token.substring(models + "/app/models/".length())))) {
                    problems.add(where + ": " + token + " is not a file the images copy from models/");
                }
                if (token.startsWith("-")
                        && token.length() > 1
                        && !NUMBER.matcher(token).matches()) {
                    String option = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
                    if (spec.findOption(option) == null) {
                        problems.add(where + ": 'ectstream " + name + "' has no option " + option);
                    }
                }
            }
            if (problems.size() > before) {
                return;
            }
            try {
                root.parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.PicocliException e) {
                problems.add(where + ": 'ectstream " + String.join(" ", args) + "' does not parse: " + e.getMessage());
                return;
            }
            if (name.equals("serve")) {
                checkServeBinding(where, args);
            }
        }

        /**
         * serve binds 127.0.0.1 unless it has a token (then 0.0.0.0) or --http-host says otherwise. An image's default
         * must not bind 0.0.0.0 without a token; a container of ours must be reachable (0.0.0.0) and so needs a token.
         */
        private void checkServeBinding(String where, List<String> args) {
            boolean token = args.contains("--http-token")
                    || args.contains("--http-token-file")
                    || (containerEnv != null
                            && (containerEnv.contains("ECTSTREAM_HTTP_TOKEN")
                                    || containerEnv.contains("ECTSTREAM_HTTP_TOKEN_FILE")));
            String host = optionValue(args, "--http-host");
            String bound = host != null ? host : token ? "0.0.0.0" : "127.0.0.1";
            if (containerEnv != null && !"0.0.0.0".equals(bound)) {
                problems.add(where + ": serve in a container must bind 0.0.0.0 (probes and published ports come from"
                        + " outside its loopback), it binds " + bound);
            }
            if ("0.0.0.0".equals(bound) && !token) {
                problems.add(where + ": serve binds 0.0.0.0 without a bearer token (set ECTSTREAM_HTTP_TOKEN from a"
                        + " Secret, or --http-token-file)");
            }
        }

        void checkEnv(String where, String name) {
            envChecked++;
            if (KNOWN_ENV.containsKey(name)) {
                return;
            }
            if (name.startsWith(EnvironmentDefaults.PREFIX)) {
                List<CommandSpec> commands = containerCommands.isEmpty() ? allCommands() : containerCommands;
                for (CommandSpec c : commands) {
                    for (CommandLine.Model.OptionSpec o : c.options()) {
                        if (EnvironmentDefaults.variable(o.longestName()).equals(name)) {
                            return;
                        }
                    }
                }
                problems.add(where + ": sets " + name + ", the variable of no flag of "
                        + commands.stream().map(CommandSpec::qualifiedName).toList());
                return;
            }
            problems.add(where + ": sets " + name + ", which nothing in the image reads (known: " + KNOWN_ENV.keySet()
                    + " and the ECTSTREAM_* variable of each flag)");
        }

        private static List<CommandSpec> allCommands() {
            List<CommandSpec> all = new ArrayList<>();
            java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>();
            todo.add(new CommandLine(new EctStream()));
            while (!todo.isEmpty()) {
                CommandLine c = todo.poll();
                all.add(c.getCommandSpec());
                todo.addAll(c.getSubcommands().values());
            }
            return all;
        }
    }

    // ---------------------------------------------------------------- helpers

    static JsonNode podSpec(JsonNode doc) {
        JsonNode spec = doc.path("spec");
        if (spec.has("jobTemplate")) {
            spec = spec.path("jobTemplate").path("spec");
        }
        JsonNode pod = spec.path("template").path("spec");
        return pod.isMissingNode() ? null : pod;
    }

    static List<String> environmentNames(JsonNode env) {
        List<String> names = new ArrayList<>();
        if (env == null) {
            return names;
        }
        if (env.isObject()) {
            env.fieldNames().forEachRemaining(names::add);
        } else {
            for (JsonNode e : env) {
                String s = e.asText();
                names.add(s.contains("=") ? s.substring(0, s.indexOf('=')) : s);
            }
        }
        return names;
    }

    /** The image's ENTRYPOINT and CMD, from docker/NAME.Dockerfile for an image ectstream/NAME[:tag]. */
    static Dockerfile dockerfileFor(String dockerfile, String image) {
        Path file = null;
        if (dockerfile != null) {
            file = repo.resolve(dockerfile);
        } else if (image != null) {
            String name = image.replaceAll(":.*$", "");
            name = name.substring(name.lastIndexOf('/') + 1);
            file = repo.resolve("docker").resolve(name + ".Dockerfile");
        }
        if (file == null || !Files.isRegularFile(file)) {
            return new Dockerfile(List.of("ectstream"), List.of(), List.of(), Map.of(), null, null, 0);
        }
        try {
            return Dockerfile.parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> allKubernetesDocuments() {
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(repo.resolve("k8s"))) {
            for (Path p : s.filter(DeploymentFilesTest::isYaml).toList()) {
                all.addAll(readAll(Files.readString(p), p.toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return all;
    }

    static List<Path> yamlFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("docker", "k8s")) {
            try (Stream<Path> s = Files.walk(repo.resolve(dir))) {
                files.addAll(s.filter(DeploymentFilesTest::isYaml).sorted().toList());
            }
        }
        return files;
    }

    static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
    }

    static List<JsonNode> readAll(String yaml, String name) {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNextValue()) {
                docs.add(it.nextValue());
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError(name + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static List<String> strings(JsonNode node) {
        if (node.isTextual()) {
            return Shell.words(node.asText());
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String optionValue(List<String> args, String option) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (args.get(i).startsWith(option + "=")) {
                return args.get(i).substring(option.length() + 1);
            }
        }
        return null;
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The parts of a Dockerfile these checks need; {@code stages} counts FROM lines. */
    record Dockerfile(
            List<String> entrypoint,
            List<String> cmd,
            List<String> runs,
            Map<String, String> env,
            String user,
            String healthcheck,
            int stages) {

        static Dockerfile parse(String text) throws IOException {
            List<String> entrypoint = List.of();
            List<String> cmd = List.of();
            List<String> runs = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            String user = null;
            String healthcheck = null;
            int stages = 0;
            for (String line : logicalLines(text)) {
                int space = line.indexOf(' ');
                String op = (space < 0 ? line : line.substring(0, space)).toUpperCase();
                String rest = space < 0 ? "" : line.substring(space + 1).trim();
                switch (op) {
                    case "FROM" -> stages++;
                    case "ENTRYPOINT" -> entrypoint = execOrShell(rest);
                    case "CMD" -> cmd = execOrShell(rest);
                    case "RUN" -> runs.add(rest.replaceFirst("^(--\\S+\\s+)+", ""));
                    case "USER" -> user = rest;
                    case "HEALTHCHECK" -> healthcheck = rest;
                    case "ENV" -> {
                        List<String> words = Shell.words(rest);
                        if (words.size() == 2 && !words.get(0).contains("=")) {
                            env.put(words.get(0), words.get(1));
                        } else {
                            for (String w : words) {
                                int eq = w.indexOf('=');
                                env.put(eq < 0 ? w : w.substring(0, eq), eq < 0 ? "" : w.substring(eq + 1));
                            }
                        }
                    }
                    default -> {}
                }
            }
            return new Dockerfile(entrypoint, cmd, runs, env, user, healthcheck, stages);
        }

        private static List<String> execOrShell(String rest) throws IOException {
            if (rest.startsWith("[")) {
                List<String> out = new ArrayList<>();
                ((ArrayNode) JSON.readTree(rest)).forEach(n -> out.add(n.asText()));
                return out;
            }
            return List.of("/bin/sh", "-c", rest);
        }

        /** Instructions with their continuation lines joined; comments and blank lines dropped. */
        private static List<String> logicalLines(String text) {
            List<String> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    current.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                current.append(line);
                if (!current.isEmpty()) {
                    out.add(current.toString().strip());
                }
                current.setLength(0);
            }
            return out;
        }
    }

    /** Just enough of POSIX sh to find simple commands: quotes, backslash-newline, ; && || | and newlines, keywords. */
    static final class Shell {
        private static final Set<String> KEYWORDS = Set.of(
                "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "(", ")", "exec");
        private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

        static List<String> words(String s) {
            List<List<String>> commands = split(s, false);
            List<String> out = new ArrayList<>();
            commands.forEach(out::addAll);
            return out;
        }

        static List<List<String>> commands(String script) {
            return split(script, true);
        }

        private static List<List<String>> split(String s, boolean separators) {
            List<List<String>> commands = new ArrayList<>();
            List<String> current = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean inWord = false;
            boolean redirectTarget = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (separators && (c == '>' || c == '<')) {
                    if (inWord && word.chars().allMatch(Character::isDigit)) {
                        word.setLength(0); // "2>": the descriptor belongs to the redirection
                        inWord = false;
                    } else if (inWord) {
                        current.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    while (i + 1 < s.length() && (s.charAt(i + 1) == '>' || s.charAt(i + 1) == '&')) {
                        i++;
                    }
                    if (s.charAt(i) == '&') {
                        while (i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                            i++; // ">&1": a descriptor, not a file
                        }
                    } else {
                        redirectTarget = true;
                    }
                    continue;
                }
                if (redirectTarget && !inWord && (c == ' ' || c == '\t')) {
                    continue;
                }
                if (c == '\\' && i + 1 < s.length()) {
                    char next = s.charAt(++i);
                    if (next != '\n') {
                        word.append(next);
                        inWord = true;
                    }
                } else if (c == '\'' || c == '"') {
                    int end = s.indexOf(c, i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unclosed quote in: " + s);
                    }
                    word.append(s, i + 1, end);
                    inWord = true;
                    i = end;
                } else if (c == '#' && !inWord) {
                    int end = s.indexOf('\n', i);
                    i = (end < 0 ? s.length() : end) - 1;
                } else if (Character.isWhitespace(c) || (separators && (c == ';' || c == '&' || c == '|'))) {
                    if (inWord && redirectTarget) {
                        word.setLength(0);
                        inWord = false;
                        redirectTarget = false;
                    } else if (inWord) {
                        current.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                    if (separators && (c == '\n' || c == ';' || c == '&' || c == '|')) {
                        commands.add(current);
                        current = new ArrayList<>();
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (inWord && !redirectTarget) {
                current.add(word.toString());
            }
            commands.add(current);
            if (!separators) {
                return commands;
            }
            List<List<String>> out = new ArrayList<>();
            for (List<String> command : commands) {
                int start = 0;
                while (start < command.size()
                        && (KEYWORDS.contains(command.get(start))
                                || ASSIGNMENT.matcher(command.get(start)).matches())) {
                    start++;
                }
                if (start < command.size()) {
                    out.add(new ArrayList<>(command.subList(start, command.size())));
                }
            }
            return out;
        }
    }
}
