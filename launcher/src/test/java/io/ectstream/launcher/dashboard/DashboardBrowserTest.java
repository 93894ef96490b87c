package io.ectstream.launcher.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.KafkaBrokerExtension;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroSerdes;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard fed through a real broker, checked over HTTP and in headless Chromium. */
@Tag("browser")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@ExtendWith(KafkaBrokerExtension.class)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void pageDrawsSamplesAndFidPointsFromTheTopics(KafkaCluster kafka) throws Exception {
        Topics topics = Topics.defaults()
                .with(TopicRole.CHECKPOINTS, "dash.checkpoints")
                .with(TopicRole.PROGRESS, "dash.progress")
                .with(TopicRole.REQUESTS, "dash.requests")
                .with(TopicRole.RESULTS, "dash.results")
                .with(TopicRole.ERRORS, "dash.errors")
                .with(TopicRole.FID, "dash.fid");
        kafka.createTopics(1, topics.checkpoints(), topics.progress(), topics.results(), topics.fid());
        send(kafka, topics.progress(), AvroSerdes.trainingProgress(), DashboardRecords.progress(500));
        send(kafka, topics.checkpoints(), AvroSerdes.checkpointEvent(), DashboardRecords.checkpoint(500));
        send(kafka, topics.fid(), AvroSerdes.fidReport(), DashboardRecords.fid(500, 1, 40.0));
        send(kafka, topics.fid(), AvroSerdes.fidReport(), DashboardRecords.fid(500, 2, 20.0));
        send(
                kafka,
                topics.results(),
                AvroSerdes.generationResult(),
                DashboardRecords.result(500, 1, TrafficPurpose.EVALUATION, 3, ImageFormat.PNG));
        send(
                kafka,
                topics.results(),
                AvroSerdes.generationResult(),
                DashboardRecords.result(500, 2, TrafficPurpose.USER, 3, ImageFormat.RAW_UINT8));

        try (DashboardServer dashboard =
                new DashboardServer(KafkaClientSettings.of(kafka.bootstrapServers()), topics)) {
            int port = dashboard.start("127.0.0.1", 0);
            String base = "http://127.0.0.1:" + port + "/";
            JsonObject state = awaitState(
                    base,
                    s -> s.getJsonArray("fid").size() == 2
                            && s.getJsonArray("samples").size() == 2);
            assertEquals(1, state.getJsonArray("progress").size());
            assertEquals(1, state.getJsonArray("checkpoints").size());

            assertTrue(
                    Files.isExecutable(HeadlessChromium.BINARY),
                    "headless Chromium is needed (.ci/run installs Debian's chromium)");
            try (HeadlessChromium browser = HeadlessChromium.open(base)) {
                browser.await("document.getElementById('connection').textContent === 'live'", 30_000);
                browser.await("document.querySelectorAll('img.sample').length === 8", 30_000);
                assertEquals(
                        2,
                        ((Number) browser.evaluate("document.querySelectorAll('circle.fid-point').length")).intValue(),
                        "one FID point per sampler");
                assertTrue(((String) browser.evaluate("document.getElementById('fid-legend').textContent"))
                        .contains("ECT 2-step"));
                assertTrue(
                        ((Number) browser.evaluate("document.querySelector('img.sample').naturalWidth")).intValue()
                                == 28,
                        "the samples decode as 28-pixel images");
                Path screenshot = Path.of("target", "dashboard-screenshot.png").toAbsolutePath();
                browser.screenshot(screenshot);
                assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page was saved as a test artifact");
            }
        }
    }

    private static <T extends SpecificRecord> void send(KafkaCluster kafka, String topic, Serde<T> serde, T record)
            throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "key", record)).get();
        }
    }

    private static JsonObject awaitState(String base, java.util.function.Predicate<JsonObject> ready) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 30_000;
        JsonObject state = null;
        while (System.currentTimeMillis() < deadline) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create(base + "api/state"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            state = new JsonObject(body);
            if (ready.test(state)) {
                return state;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the dashboard never showed the records: " + state);
    }
}
