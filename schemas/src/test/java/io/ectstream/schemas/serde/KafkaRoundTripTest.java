package io.ectstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every contract goes through a real broker and comes back equal. */
@BrokerTest
class KafkaRoundTripTest {

    static List<Arguments> contracts() {
        return List.of(
                Arguments.of(AvroSerdes.checkpointEvent(), SampleRecords.checkpointEvent()),
                Arguments.of(AvroSerdes.trainingProgress(), SampleRecords.trainingProgress()),
                Arguments.of(AvroSerdes.generationRequest(), SampleRecords.generationRequest()),
                Arguments.of(AvroSerdes.generationResult(), SampleRecords.generationResult()),
                Arguments.of(AvroSerdes.generationError(), SampleRecords.generationError()),
                Arguments.of(AvroSerdes.fidReport(), SampleRecords.fidReport()));
    }

    @ParameterizedTest
    @MethodSource("contracts")
    <T extends SpecificRecord> void recordSurvivesTheBroker(Serde<T> serde, T record, KafkaCluster kafka)
            throws Exception {
        String topic = "roundtrip." + record.getSchema().getName();
        kafka.createTopics(1, topic);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "key", record)).get();
        }
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "roundtrip-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<T> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
            }
        }
        assertEquals(List.of(record), received);
    }
}
