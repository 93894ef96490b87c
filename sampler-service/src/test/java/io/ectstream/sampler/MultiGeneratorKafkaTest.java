package io.ectstream.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.sampler.generate.ReplicatedGenerator;
import io.ectstream.sampler.generate.ReplicatedModelLoader;
import io.ectstream.sampler.support.Checkpoints;
import io.ectstream.sampler.support.Gate;
import io.ectstream.sampler.support.Requests;
import io.ectstream.sampler.support.SamplerHarness;
import io.ectstream.sampler.support.SeededImageGenerator;
import io.ectstream.sampler.support.SeededModelLoader;
import io.ectstream.sampler.support.TopicReader;
import io.ectstream.schemas.GenerationResult;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process, two generators (what {@code serve --device gpu:0,1} runs, here two seeded models standing for two
 * devices): one consumer and one batch queue, a batch runs on whichever copy is free, every request is answered once,
 * and a checkpoint hot-load reaches both copies.
 */
@BrokerTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiGeneratorKafkaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void twoGeneratorsShareTheIntakeAndEachLoadsEveryCheckpoint(KafkaCluster kafka) throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Gate gateA = new Gate();
        SeededModelLoader deviceA = new SeededModelLoader(gateA);
        SeededModelLoader deviceB = new SeededModelLoader();
        try (SamplerHarness h = new SamplerHarness(kafka, "multi", store, 1);
                TopicReader<GenerationResult> results = h.results()) {
            SamplerConfig config = h.config("multi", 4, 5)
                    .withBatching(new Batching(4, 5, 2, Batching.DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH));
            h.sendCheckpoint(Checkpoints.seeded(store, "run", 1, 77));
            try (SamplerService service =
                    SamplerService.start(config, new ReplicatedModelLoader(List.of(deviceA, deviceB), 1))) {
                assertTrue(service.awaitRecovery(WAIT));
                assertEquals(1, deviceA.loaded().size());
                assertEquals(1, deviceB.loaded().size());
                // Each copy ran every batch shape of max batch 4 before serving (cuDNN times a shape's first run).
                assertEquals(List.of(4), deviceA.loaded().get(0).warmUps());
                assertEquals(List.of(4), deviceB.loaded().get(0).warmUps());

                // Device A holds a batch: the next request runs on device B meanwhile.
                assertBothCopiesServe(h, results, gateA, 77, 1, "v1");

                for (int i = 0; i < 40; i++) {
                    h.sendRequest(
                            Requests.request("r" + i, "run", 1 + i % 3, 1, i).build());
                }
                List<GenerationResult> all = results.awaitCount(42, WAIT).stream()
                        .map(TopicReader.Read::value)
                        .toList();
                kafka.awaitCaughtUp("multi", List.of(h.topics().requests()), WAIT);
                Map<String, Long> answers = results.readToEnd().stream()
                        .collect(Collectors.groupingBy(r -> r.value().getRequestId(), Collectors.counting()));
                assertEquals(42, answers.size());
                assertTrue(answers.values().stream().allMatch(n -> n == 1), answers.toString());
                assertEquals(42, all.size());
                long[] batches =
                        ((ReplicatedGenerator) service.registry().current("run").generator()).batchesPerCopy();
                assertEquals(
                        deviceA.loaded().get(0).batchSizes().size()
                                + deviceB.loaded().get(0).batchSizes().size(),
                        batches[0] + batches[1]);

                // The hot-load of step 2 reaches both devices; both serve it.
                h.sendCheckpoint(Checkpoints.seeded(store, "run", 2, 88));
                awaitStep(service, 2);
                assertEquals(2, deviceA.loaded().size());
                assertEquals(2, deviceB.loaded().size());
                assertEquals(List.of(4), deviceA.loaded().get(1).warmUps());
                assertEquals(List.of(4), deviceB.loaded().get(1).warmUps());
                assertBothCopiesServe(h, results, gateA, 88, 2, "v2");
            }
        }
    }

    /** Holds device A's next batch, sees a request answered by device B meanwhile, then lets A finish. */
    private static void assertBothCopiesServe(
            SamplerHarness h, TopicReader<GenerationResult> results, Gate gateA, long salt, long step, String tag)
            throws Exception {
        int before = results.readToEnd().size();
        gateA.close();
        h.sendRequest(Requests.request(tag + "-held", "run", 1, 1, 1L).build());
        assertTrue(gateA.awaitEntered(WAIT.toMillis()), "device A never started the first batch");
        h.sendRequest(Requests.request(tag + "-free", "run", 1, 1, 2L).build());
        GenerationResult free = results.awaitCount(before + 1, WAIT).get(before).value();
        assertEquals(tag + "-free", free.getRequestId(), "device B answers while device A holds its batch");
        assertEquals(step, free.getModelVersion().getStep());
        assertArrayEquals(
                SeededImageGenerator.image(salt, NoiseSeeds.forImage(2L, 0), SamplerSettings.ect(1)),
                bytes(free.getImages().get(0)));
        gateA.open();
        GenerationResult held =
                results.awaitCount(before + 2, WAIT).get(before + 1).value();
        assertEquals(tag + "-held", held.getRequestId());
        assertEquals(step, held.getModelVersion().getStep());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void awaitStep(SamplerService service, long step) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (service.registry().current("run") == null
                || service.registry().current("run").version().getStep() != step) {
            assertTrue(System.nanoTime() < deadline, "step " + step + " was not loaded");
            Thread.sleep(20);
        }
    }
}
