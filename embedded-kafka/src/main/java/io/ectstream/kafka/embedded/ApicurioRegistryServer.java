package io.ectstream.kafka.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Apicurio Registry (Maven Central's build of the server, unpacked by this module's pom) in a child JVM on
 * 127.0.0.1, on a port the server picks, storage in memory. Ready once it logs the address it listens on.
 */
public final class ApicurioRegistryServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://127\\.0\\.0\\.1:\\d+)");

    private final Process process;
    private final String baseUrl;

    private ApicurioRegistryServer(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    public static ApicurioRegistryServer start(Path log) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("ectstream.test.registry.jar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "no Apicurio Registry server at " + jar + " (embedded-kafka's pom unpacks it)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(
                        java,
                        "-Xmx384m",
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=0",
                        "-Dquarkus.log.console.color=false",
                        "-jar",
                        jar.toString()))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyLog(process, log, listening), "apicurio-registry-log");
        pump.setDaemon(true);
        pump.start();
        try {
            return new ApicurioRegistryServer(process, listening.get(170, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("Apicurio Registry did not start; see " + log, e);
        }
    }

    /** Copies the server's output to the log file and completes {@code listening} with its address. */
    private static void copyLog(Process process, Path log, CompletableFuture<String> listening) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var out = Files.newBufferedWriter(log)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    listening.complete(m.group(1));
                }
            }
            listening.completeExceptionally(new IllegalStateException("the server exited: " + process.waitFor()));
        } catch (IOException e) {
            listening.completeExceptionally(new UncheckedIOException(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listening.completeExceptionally(e);
        }
    }

    /** The registry's own API, what the serde is configured with. */
    public String apiUrl() {
        return baseUrl + "/apis/registry/v2";
    }

    /** The Confluent-compatible API, what Confluent's clients, Connect and ksqlDB are configured with. */
    public String confluentApiUrl() {
        return baseUrl + "/apis/ccompat/v7";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
