package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.RequestStream;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SlowModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationError;
import io.ectstream.schemas.GenerationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebalances while requests stream in: a second instance joining, and one of two instances closing gracefully.
 * Cooperative rebalancing moves only some partitions, and an instance hands a partition over only after its
 * requests were answered and committed: no request is answered twice. (Before, the revocation dropped the
 * offsets of the answered requests without committing them: the next owner answered them again, about as many
 * as were in flight.) Every request is one image, so one result per request; a duplicate is a second result.
 */
@BrokerTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RebalanceKafkaTest {
    private static final Logger log = LoggerFactory.getLogger(RebalanceKafkaTest.class);
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    @Test
    void aSecondInstanceJoiningMidStreamAnswersNothingTwice(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "scale-up", store, PARTITIONS);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            SamplerConfig config = h.config("scale-up", 8, 5);
            RequestStream stream;
            try (SamplerService first = SamplerService.start(config, new SlowModelLoader(2.0))) {
                assertTrue(first.awaitRecovery(WAIT));
                stream = new RequestStream(h, "up", "run");
                awaitAccepted(first, 100);
                try (SamplerService second = SamplerService.start(config, new SlowModelLoader(2.0))) {
                    assertTrue(second.awaitRecovery(WAIT));
                    awaitAccepted(second, 100);
                    stream.stop();
                    RequestStream.Answers answers = awaitSettled(kafka, h, config, stream, results, errors);
                    log.info(
                            "scale-up: {} requests, {} results, {} duplicates; accepted by the first {}, by the second {}",
                            answers.sent(),
                            answers.results(),
                            answers.duplicates(),
                            accepted(first),
                            accepted(second));
                    assertEquals(answers.sent(), answers.answered());
                    assertEquals(0, answers.duplicates(), "requests answered twice across the rebalance");
                    assertTrue(answers.answeredTwiceDifferently().isEmpty());
                }
            }
        }
    }

    @Test
    void oneOfTwoInstancesClosingMidStreamAnswersNothingTwice(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        try (SamplerHarness h = new SamplerHarness(kafka, "scale-down", store, PARTITIONS);
                TopicReader<GenerationResult> results = h.results();
                TopicReader<GenerationError> errors = h.errors()) {
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 5));
            SamplerConfig config = h.config("scale-down", 8, 5);
            try (SamplerService staying = SamplerService.start(config, new SlowModelLoader(2.0));
                    RequestStream stream = new RequestStream(h, "down", "run")) {
                assertTrue(staying.awaitRecovery(WAIT));
                SamplerService leaving = SamplerService.start(config, new SlowModelLoader(2.0));
                assertTrue(leaving.awaitRecovery(WAIT));
                awaitAccepted(leaving, 100);
                double before = accepted(staying);
                leaving.close();
                awaitAccepted(staying, before + 100);
                stream.stop();
                RequestStream.Answers answers = awaitSettled(kafka, h, config, stream, results, errors);
                log.info(
                        "graceful close of one of two: {} requests, {} results, {} duplicates; the leaving one accepted {}",
                        answers.sent(),
                        answers.results(),
                        answers.duplicates(),
                        accepted(leaving));
                assertEquals(answers.sent(), answers.answered());
                assertEquals(0, answers.duplicates(), "requests answered twice across the graceful close");
                assertTrue(answers.answeredTwiceDifferently().isEmpty());
            }
        }
    }

    /**
     * Waits until every request has its answer and the group committed every request offset: from then on no
     * instance can answer one again. Then reads the results up to their end and counts.
     */
    static RequestStream.Answers awaitSettled(
            KafkaCluster kafka,
            SamplerHarness h,
            SamplerConfig config,
            RequestStream stream,
            TopicReader<GenerationResult> results,
            TopicReader<GenerationError> errors)
            throws Exception {
        results.awaitUntil(r -> stream.allAnswered(r, List.of()), WAIT);
        awaitCommittedToEnd(kafka, h.topics().requests(), config.kafka().groupId());
        List<TopicReader.Read<GenerationError>> errorsRead = errors.readToEnd(WAIT);
        return stream.count(results.readToEnd(WAIT), errorsRead);
    }

    static void awaitCommittedToEnd(KafkaCluster kafka, String topic, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .collect(Collectors.toMap(
                                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean done = end.entrySet().stream()
                        .allMatch(e -> committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
                if (done) {
                    return;
                }
                assertTrue(
                        System.nanoTime() < deadline,
                        "group " + group + " committed " + committed + ", end offsets " + end);
                Thread.sleep(20);
            }
        }
    }

    static double accepted(SamplerService service) {
        return service.metrics()
                .registry()
                .counter("ect.sampler.requests", "outcome", "accepted", "purpose", "USER")
                .count();
    }

    static void awaitAccepted(SamplerService service, double count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (accepted(service) < count) {
            assertTrue(
                    System.nanoTime() < deadline, "only " + accepted(service) + " of " + count + " requests accepted");
            Thread.sleep(10);
        }
    }
}
