package io.ectstream.evaluator.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.TopicSpec;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelVersion;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.Timings;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.AvroSerdes;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A JSON copy that would not fit its topic's max.message.bytes becomes an error record, never a failing send. */
class JsonMirrorTopologyTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void aCopyLargerThanItsTopicAllowsIsAnErrorRecordAndTheNextOneIsCopied() throws Exception {
        TopicSpec results = TopicLayout.defaults().get(TopicRole.RESULTS).withConfig("max.message.bytes", "2048");
        MirroredTopic mirrored = new MirroredTopic(results, GenerationResult.class);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "mirror-unit");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        try (TopologyTestDriver driver = new TopologyTestDriver(
                JsonMirrorTopology.build(List.of(mirrored), "errors", Clock.fixed(NOW, ZoneOffset.UTC)), props)) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic(results.name(), new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, String> json = driver.createOutputTopic(
                    "ect.generate.results.json", new StringDeserializer(), new StringDeserializer());
            TestOutputTopic<String, GenerationError> errors = driver.createOutputTopic(
                    "errors",
                    new StringDeserializer(),
                    AvroSerdes.generationError().deserializer());
            AvroCodec<GenerationResult> codec = new AvroCodec<>(GenerationResult.class);

            in.pipeInput("small", codec.encode(result("small", 100)));
            in.pipeInput("large", codec.encode(result("large", 1500))); // 2000 base64 characters
            in.pipeInput("after", codec.encode(result("after", 100)));

            List<TestRecord<String, String>> copies = json.readRecordsToList();
            assertEquals(
                    List.of("small", "after"),
                    copies.stream().map(TestRecord::key).toList());
            JsonNode small = new ObjectMapper().readTree(copies.get(0).value());
            assertEquals(136, small.get("images").get(0).asText().length()); // 100 bytes in base64
            GenerationError error = errors.readValue();
            assertEquals(ErrorCode.INTERNAL, error.getCode());
            assertEquals("json-mirror", error.getComponent());
            assertEquals(results.name(), error.getSourceTopic());
            assertEquals(1L, error.getSourceOffset());
            assertEquals(NOW, error.getOccurredAt());
            assertTrue(
                    error.getReason()
                            .matches("not mirrored as JSON: its JSON of \\d+ bytes does not fit"
                                    + " max.message.bytes=2048 of the JSON topic"),
                    error.getReason());
            assertTrue(errors.isEmpty());
        }
    }

    private static GenerationResult result(String id, int imageBytes) {
        return GenerationResult.newBuilder()
                .setRequestId(id)
                .setModelVersion(new ModelVersion("run", 1L, Phase.ECT, "ab".repeat(32)))
                .setImages(List.of(ByteBuffer.wrap(new byte[imageBytes])))
                .setImageFormat(ImageFormat.RAW_UINT8)
                .setChannels(1)
                .setHeight(10)
                .setWidth(10)
                .setSeed(1)
                .setNetworkEvaluations(1)
                .setSampler(SamplerKind.ECT)
                .setPurpose(TrafficPurpose.USER)
                .setChunkIndex(0)
                .setChunkCount(1)
                .setFirstImageIndex(0)
                .setTimings(new Timings(0.0, 0.0, 0.0, 0.0))
                .setCreatedAt(NOW)
                .build();
    }
}
