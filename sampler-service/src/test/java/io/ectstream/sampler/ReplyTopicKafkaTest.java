package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.ErrorCode;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.TrafficPurpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 findings 1 and 2: a request cannot write into a platform or internal topic, nor stall answers with a missing one. */
@BrokerTest
class ReplyTopicKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void platformAndInternalTopicsAreRefusedAndNothingLandsOnThem(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "replysec", store, 1);
                TopicReader<GenerationError> errors = h.errors()) {
            var t = h.topics();
            String changelog = "ect-evaluator-moments-changelog";
            String prefixedChangelog = "replysec.app-moments-changelog";
            String repartition = "replysec.app-key-repartition";
            String answers = "replysec.answers";
            kafka.createTopics(1, t.progress(), t.fid(), changelog, prefixedChangelog, repartition, answers);
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            // The prefix covers the platform's own (prefixed) topics: the deny-list must hold anyway.
            SamplerConfig base = h.config("replysec", 8, 5);
            SamplerConfig config = base.withAdmission(base.admission().withReplyTopics("replysec.", List.of()));
            List<String> targets = List.of(
                    t.checkpoints(),
                    t.fid(),
                    t.progress(),
                    t.requests(),
                    changelog,
                    prefixedChangelog,
                    repartition,
                    "__consumer_offsets",
                    "ect.checkpoints",
                    "ect.eval.fid");
            List<String> measured = List.of(
                    t.checkpoints(), t.fid(), t.progress(), t.requests(), changelog, prefixedChangelog, repartition);
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader());
                    TopicReader<GenerationResult> replies = h.results(answers)) {
                assertTrue(service.awaitRecovery(WAIT));
                Map<String, Long> before = endOffsets(kafka, measured);
                List<Long> offsets = new ArrayList<>();
                for (int i = 0; i < targets.size(); i++) {
                    // the id of the changelog attack: "<sample group>|current", so a result would overwrite that
                    // group's state
                    offsets.add(h.sendRequest(Requests.request("run-a@1|current", "run-a", 1, 1, i)
                                    .setReplyTopic(targets.get(i))
                                    .build())
                            .offset());
                }
                h.sendRequest(Requests.request("legit", "run-a", 1, 1, 99L)
                        .setReplyTopic(answers)
                        .build());

                Map<Long, GenerationError> byOffset = errors.awaitCount(targets.size(), WAIT).stream()
                        .map(TopicReader.Read::value)
                        .collect(Collectors.toMap(GenerationError::getSourceOffset, e -> e));
                for (int i = 0; i < targets.size(); i++) {
                    GenerationError e = byOffset.get(offsets.get(i));
                    assertEquals(ErrorCode.REPLY_TOPIC_REJECTED, e.getCode(), targets.get(i));
                    assertTrue(
                            e.getReason().contains(targets.get(i))
                                    && e.getReason().contains("never a reply topic"),
                            e.getReason());
                }
                assertEquals("legit", replies.awaitCount(1, WAIT).get(0).value().getRequestId());

                Map<String, Long> after = endOffsets(kafka, measured);
                for (String topic : measured) {
                    long sent = topic.equals(t.requests()) ? targets.size() + 1 : 0;
                    assertEquals(before.get(topic) + sent, after.get(topic), "records on " + topic);
                }
                assertEquals(
                        1.0,
                        service.metrics().images(TrafficPurpose.USER),
                        "only the legitimate request was generated");
                assertTrue(
                        service.metrics()
                                .scrape()
                                .contains("ect_sampler_errors_total{code=\"REPLY_TOPIC_REJECTED\"} " + targets.size()
                                        + ".0"),
                        "refusals are counted by code");
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void missingReplyTopicsFailFastWithoutHoldingAnyOtherAnswer(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "replymissing", store, 1);
                TopicReader<GenerationError> errors = h.errors();
                TopicReader<GenerationResult> results = h.results()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run-a", 1, 5));
            SamplerConfig base = h.config("replymissing", 8, 5);
            // A producer that waits for metadata of a missing topic would now wait ten minutes: every other answer
            // behind it would miss the test's timeout. Answers must never depend on that wait.
            SamplerConfig config = base.withKafka(base.kafka()
                    .withClient(base.kafka().client().with(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000"))
                    .withGroupId("replymissing")
                    .withEvaluationRequestsTopic(Topics.DEFAULT_EVALUATION_REQUESTS)
                    .withResultsJsonTopic(null));
            List<String> missing = List.of(
                    "ect.results.missing-1", "ect.results.missing-2", "ect.results.missing-3", "ect.results.missing-4");
            try (SamplerService service = SamplerService.start(config, new SeededModelLoader())) {
                assertTrue(service.awaitRecovery(WAIT));
                List<Long> offsets = new ArrayList<>();
                for (String topic : missing) {
                    offsets.add(h.sendRequest(Requests.request("to-" + topic, "run-a", 2, 1, 1L)
                                    .setReplyTopic(topic)
                                    .build())
                            .offset());
                }
                h.sendRequest(Requests.request("behind-them", "run-a", 1, 1, 7L).build());

                assertEquals(
                        "behind-them",
                        results.awaitCount(1, WAIT).get(0).value().getRequestId());
                Map<Long, GenerationError> byOffset = errors.awaitCount(missing.size(), WAIT).stream()
                        .map(TopicReader.Read::value)
                        .collect(Collectors.toMap(GenerationError::getSourceOffset, e -> e));
                for (int i = 0; i < missing.size(); i++) {
                    GenerationError e = byOffset.get(offsets.get(i));
                    assertEquals(ErrorCode.REPLY_TOPIC_REJECTED, e.getCode());
                    assertEquals(
                            "reply topic " + missing.get(i) + " does not exist",
                            e.getReason().substring(e.getReason().indexOf("reply topic")));
                }
                assertEquals(
                        1.0,
                        service.metrics().images(TrafficPurpose.USER),
                        "nothing was generated for a missing topic");
                try (Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                    Set<String> names = admin.listTopics().names().get();
                    missing.forEach(
                            topic -> assertFalse(names.contains(topic), topic + " was never asked for by a producer"));
                }
            }
        }
    }

    private static Map<String, Long> endOffsets(KafkaCluster kafka, List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = topics.stream()
                    .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                            .map(p -> new TopicPartition(topic, p.partition())))
                    .toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            return topics.stream()
                    .collect(Collectors.toMap(
                            topic -> topic,
                            topic -> ends.entrySet().stream()
                                    .filter(e -> e.getKey().topic().equals(topic))
                                    .mapToLong(Map.Entry::getValue)
                                    .sum()));
        }
    }
}
