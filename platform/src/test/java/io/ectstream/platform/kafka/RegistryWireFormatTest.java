package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.ectstream.kafka.embedded.ApicurioRegistryServer;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.serde.RecordDecodingException;
import io.ectstream.schemas.serde.RecordFormat;
import io.ectstream.schemas.serde.SampleRecords;
import io.ectstream.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The registry wire format against a real Apicurio Registry and the embedded broker: written through the platform's
 * producer, read back through its consumer, read by the registry's own deserializer, and laid out as Confluent's
 * framing (magic byte 0, the id the Confluent-compatible API serves, Avro's own binary encoding).
 */
@BrokerTest
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RegistryWireFormatTest {
    private static final String TOPIC = "wire.results";
    private static ApicurioRegistryServer registry;

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
    void aRecordInTheRegistryFormatIsConfluentFramedAndReadBackByBothDeserializers(KafkaCluster kafka)
            throws Exception {
        kafka.createTopics(1, TOPIC);
        RecordFormat registryFormat =
                fromFlags("--wire-format", "registry", "--schema-registry-url", registry.apiUrl());
        var serde = registryFormat.serde(GenerationResult.class);
        var singleObject = RecordFormat.SINGLE_OBJECT.serde(GenerationResult.class);
        GenerationResult record = SampleRecords.generationResult();

        KafkaClientSettings settings = KafkaClientSettings.of(kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(settings, Map.of())) {
            producer.send(new ProducerRecord<>(
                            TOPIC, "registry", serde.serializer().serialize(TOPIC, record)))
                    .get();
            producer.send(new ProducerRecord<>(
                            TOPIC, "single", singleObject.serializer().serialize(TOPIC, record)))
                    .get();
        }
        List<ConsumerRecord<String, byte[]>> read = readTwo(settings);
        byte[] framed = read.get(0).value();
        byte[] other = read.get(1).value();

        // The platform's consumer reads its own format back, and says clearly what the other one is.
        assertEquals(record, serde.deserializer().deserialize(TOPIC, framed));
        RecordDecodingException wrongFormat = assertThrows(
                RecordDecodingException.class, () -> serde.deserializer().deserialize(TOPIC, other));
        assertTrue(wrongFormat.getMessage().contains("single-object encoding"), wrongFormat.getMessage());
        RecordDecodingException wrongReader = assertThrows(
                RecordDecodingException.class, () -> singleObject.deserializer().deserialize(TOPIC, framed));
        assertTrue(wrongReader.getMessage().contains("--wire-format registry"), wrongReader.getMessage());

        // Confluent's framing: magic byte 0, a 4-byte big-endian id, then Avro's own binary encoding of the record.
        assertEquals(0, framed[0]);
        int id = ByteBuffer.wrap(framed, 1, 4).getInt();
        assertArrayEquals(avroBinary(record), Arrays.copyOfRange(framed, 5, framed.length));

        // The Confluent-compatible API serves that id's schema under the topic's subject.
        JsonNode subjects = get(registry.confluentApiUrl() + "/subjects");
        assertEquals(List.of(TOPIC + "-value"), names(subjects));
        JsonNode latest = get(registry.confluentApiUrl() + "/subjects/" + TOPIC + "-value/versions/latest");
        assertEquals(id, latest.get("id").asInt());
        JsonNode byId = get(registry.confluentApiUrl() + "/schemas/ids/" + id);
        assertEquals(
                GenerationResult.getClassSchema(),
                new Schema.Parser().parse(byId.get("schema").asText()));

        // The registry's own deserializer, given only the registry and Confluent's id framing, reads it.
        try (AvroKafkaDeserializer<Object> apicurio = new AvroKafkaDeserializer<>()) {
            apicurio.configure(
                    Map.of(
                            SerdeConfig.REGISTRY_URL,
                            registry.apiUrl(),
                            SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER,
                            true,
                            SerdeConfig.USE_ID,
                            "contentId"),
                    false);
            GenericRecord generic = assertInstanceOf(GenericRecord.class, apicurio.deserialize(TOPIC, framed));
            assertEquals("req-1", generic.get("requestId").toString());
            assertEquals(28, generic.get("height"));
            assertEquals(0.821, (double) generic.get("tMid"));
        }
    }

    @Test
    void theFlagsDefaultToSingleObjectAndTheRegistryFormatNeedsAUrl() {
        assertEquals(WireFormat.SINGLE_OBJECT, fromFlags().wireFormat());
        assertThrows(InvalidKafkaSettingsException.class, () -> fromFlags("--wire-format", "registry"));
        assertThrows(
                InvalidKafkaSettingsException.class, () -> fromFlags("--schema-registry-url", "http://127.0.0.1:1"));
        RecordFormat withAuth = fromFlags(
                "--wire-format=registry",
                "--schema-registry-url=http://127.0.0.1:1/apis/registry/v2",
                "--schema-registry-property=apicurio.auth.username=svc");
        assertEquals("svc", withAuth.registryProperties().get("apicurio.auth.username"));
        assertEquals(
                "http://127.0.0.1:1/apis/registry/v2",
                withAuth.registryProperties().get(SerdeConfig.REGISTRY_URL));
    }

    private static RecordFormat fromFlags(String... args) {
        RecordFormatOptions options = new RecordFormatOptions();
        new CommandLine(options).parseArgs(args);
        return options.recordFormat();
    }

    private static List<ConsumerRecord<String, byte[]>> readTwo(KafkaClientSettings settings) {
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        Map<String, Object> props = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "wire-format-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(settings, props)) {
            consumer.subscribe(List.of(TOPIC));
            while (read.size() < 2) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return new ObjectMapper().readTree(response.body());
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static byte[] avroBinary(GenerationResult record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(GenerationResult.class).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
