package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.ApicurioRegistryServer;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.serde.RecordFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler in a registry-format deployment, against a real Apicurio Registry: it loads a registry-framed
 * checkpoint event, serves a registry-framed request with registry-framed results, and answers a single-object
 * request with an UNDECODABLE error (itself registry-framed) while it keeps serving.
 */
@BrokerTest
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SamplerRegistryWireFormatKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ApicurioRegistryServer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = ApicurioRegistryServer.start(Path.of("target", "apicurio-registry.log"));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void theSamplerReadsAndWritesTheRegistryFormat(KafkaCluster kafka) throws Exception {
        RecordFormat format = RecordFormat.registry(registry.apiUrl(), Map.of());
        Serde<CheckpointEvent> events = format.serde(CheckpointEvent.class);
        Serde<GenerationRequest> requests = format.serde(GenerationRequest.class);
        Serde<GenerationResult> results = format.serde(GenerationResult.class);
        Serde<GenerationError> errors = format.serde(GenerationError.class);
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "registry", store, 1);
                TopicReader<GenerationResult> resultReader = new TopicReader<>(
                        kafka.bootstrapServers(),
                        h.topics().results(),
                        bytes -> results.deserializer().deserialize(h.topics().results(), bytes));
                TopicReader<GenerationError> errorReader = new TopicReader<>(
                        kafka.bootstrapServers(),
                        h.topics().errors(),
                        bytes -> errors.deserializer().deserialize(h.topics().errors(), bytes))) {
            String checkpoints = h.topics().checkpoints();
            h.send(
                    checkpoints,
                    "run-r",
                    events.serializer().serialize(checkpoints, Checkpoints.seeded(store, "run-r", 1, 5)));
            SamplerConfig base = h.config("registry", 8, 5);
            SamplerConfig config = base.withKafka(base.kafka().withRecords(format));
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                String requestTopic = h.topics().requests();
                h.sendRequest(
                        Requests.request("single-object", "run-r", 1, 1, 3L).build());
                h.send(
                        requestTopic,
                        "framed",
                        requests.serializer()
                                .serialize(
                                        requestTopic,
                                        Requests.request("framed", "run-r", 2, 1, 9L)
                                                .build()));

                GenerationResult result =
                        resultReader.awaitCount(1, WAIT).get(0).value();
                assertEquals("framed", result.getRequestId());
                assertEquals(2, result.getImages().size());
                GenerationError error = errorReader.awaitCount(1, WAIT).get(0).value();
                assertEquals(ErrorCode.UNDECODABLE, error.getCode());
                assertTrue(error.getReason().contains("single-object encoding (C3 01 marker)"), error.getReason());
            }
        }
    }
}
