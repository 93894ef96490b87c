package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --results-json-topic: every result also as JSON with base64 images, readable by kafka-console-consumer. */
@BrokerTest
class ResultsJsonKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void everyResultIsAlsoPublishedAsJsonWithTheSameImages(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        String jsonTopic = "json.ect.generate.results.json";
        kafka.createTopics(1, jsonTopic);
        try (SamplerHarness h = new SamplerHarness(kafka, "json", store, 1);
                TopicReader<GenerationResult> avro = h.results();
                TopicReader<JsonObject> json = new TopicReader<>(
                        kafka.bootstrapServers(),
                        jsonTopic,
                        bytes -> new JsonObject(new String(bytes, StandardCharsets.UTF_8)))) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-j", 5, 11));
            SamplerConfig base = h.config("json", 4, 5);
            try (SamplerService service = SamplerService.start(
                    base.withKafka(base.kafka().withResultsJsonTopic(jsonTopic)), new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                h.sendRequest(Requests.request("j1", "run-j", 6, 1, 77L).build());
                List<GenerationResult> chunks = avro.awaitCount(2, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                List<JsonObject> jsonChunks = json.awaitCount(2, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                for (GenerationResult chunk : chunks) {
                    JsonObject j = jsonChunks.stream()
                            .filter(o -> o.getInteger("chunkIndex") == chunk.getChunkIndex())
                            .findFirst()
                            .orElseThrow();
                    assertEquals("j1", j.getString("requestId"));
                    assertEquals(77L, j.getLong("seed"));
                    assertEquals("run-j", j.getJsonObject("modelVersion").getString("runId"));
                    assertEquals(5L, j.getJsonObject("modelVersion").getLong("step"));
                    assertEquals(chunk.getImageFormat().name(), j.getString("imageFormat"));
                    JsonArray images = j.getJsonArray("images");
                    assertEquals(chunk.getImages().size(), images.size());
                    for (int i = 0; i < images.size(); i++) {
                        assertArrayEquals(
                                SamplerKafkaTest.bytes(chunk.getImages().get(i)),
                                Base64.getDecoder().decode(images.getString(i)));
                    }
                }
                consoleConsumerReadsTheJson(kafka, jsonTopic);
            }
        }
    }

    /** The README's example, run: Kafka's own console consumer prints the JSON records as they are. */
    private void consoleConsumerReadsTheJson(KafkaCluster kafka, String topic) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools.consumer.ConsoleConsumer",
                "--bootstrap-server",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--from-beginning",
                "--max-messages",
                "2",
                "--property",
                "print.key=true",
                "--timeout-ms",
                "20000"));
        Process p = new ProcessBuilder(command)
                .redirectError(dir.resolve("console-err.txt").toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.SECONDS), "console consumer did not finish");
        Files.writeString(dir.resolve("console-out.txt"), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("j1\t")).toList();
        assertEquals(2, lines.size(), out + Files.readString(dir.resolve("console-err.txt")));
        JsonObject first = new JsonObject(lines.get(0).substring(3));
        assertEquals("j1", first.getString("requestId"));
        assertTrue(Base64.getDecoder().decode(first.getJsonArray("images").getString(0)).length > 8);
    }
}
