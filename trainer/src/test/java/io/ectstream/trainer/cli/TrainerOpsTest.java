package io.ectstream.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.trainer.testing.RecordingEvents;
import io.ectstream.trainer.testing.TinyRuns;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 22: `pipeline --ops-port 0` is ready while it trains and not ready from the first moment of shutdown, when it
 * stops before the next step and exits 0 (the same command resumes the run).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainerOpsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int get(int port, String path, List<String> bodies) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        bodies.add(response.body());
        return response.statusCode();
    }

    @Test
    void readyWhileTrainingNotReadyOnceShutdownBeginsAndStopsBeforeTheNextStep(@TempDir Path dir) throws Exception {
        Path config = tinyConfig(dir);
        Path runDir = dir.resolve("store").resolve("ops-run");
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        RecordingEvents events = new RecordingEvents();
        PipelineCommand command = new PipelineCommand(events);
        command.whenReady(life -> {
            try {
                statuses.add(get(life.opsPort(), "/ready", bodies));
                statuses.add(get(life.opsPort(), "/metrics", bodies));
                life.beginShutdown(); // what SIGTERM does
                statuses.add(get(life.opsPort(), "/ready", bodies));
                statuses.add(get(life.opsPort(), "/health", bodies));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        int exit = new CommandLine(command)
                .execute(
                        "--config",
                        config.toString(),
                        "--run-dir",
                        runDir.toString(),
                        "--device",
                        "cpu",
                        "--ops-port",
                        "0");

        assertEquals(0, exit);
        assertEquals(List.of(200, 200, 503, 200), statuses);
        assertTrue(bodies.get(1).contains("jvm_memory_used_bytes{"), "a JVM series");
        assertEquals(List.of(), events.checkpoints, "stopped before its first step: nothing trained or announced");
        assertFalse(Files.exists(runDir.resolve("step-000000003.ckpt")));
    }

    private static Path tinyConfig(Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        var data = TinyRuns.dataset(8);
        for (int i = 0; i < data.size(); i++) {
            Files.write(
                    images.resolve(String.format("img%02d.png", i)),
                    ImageCodec.toPng(data.image(i), new ImageShape(1, 8, 8)));
        }
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(
                config,
                TinyRuns.NETWORK
                        + "data: {kind: png-folder, path: " + images + "}\n"
                        + "pretrain: {kimg: 0.016, batch: 4}\n"
                        + "ect: {kimg: 0.012, batch: 4, stageLength: 2}\n"
                        + "checkpoint: {everySteps: 3}\nlog: {everySteps: 1}\n");
        return config;
    }
}
