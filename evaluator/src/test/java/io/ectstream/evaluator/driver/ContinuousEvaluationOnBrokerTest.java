package io.ectstream.evaluator.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointExpectation;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.cli.FidHistoryCommand;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.features.RandomProjectionExtractor;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.io.InMemoryImages;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.reference.ReferenceStatsBuilder;
import io.ectstream.evaluator.stream.EvaluatorApp;
import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.evaluator.stream.ReportSchedule;
import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.Admission;
import io.ectstream.sampler.Batching;
import io.ectstream.sampler.HttpEndpoint;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerKafka;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.FidReport;
import io.ectstream.schemas.FidWindowKind;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.TrafficPurpose;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.serde.RecordFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Continuous evaluation end to end on the real broker: the sampler service (real tiny checkpoints), the
 * evaluator application (random-projection features) and the driver run together. A pretraining checkpoint
 * and then an ECT checkpoint (published while the first is still being evaluated) each get exactly one
 * FidReport per sampler, over the agreed seeds, equal to the FID computed here from the same images.
 */
@BrokerTest
class ContinuousEvaluationOnBrokerTest {
    private static final Logger log = LoggerFactory.getLogger(ContinuousEvaluationOnBrokerTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    private static final String RUN = "ce-run";
    private static final EvaluationPlan PLAN = new EvaluationPlan(64, 16, 4242, 0.821, false);
    private static final AvroCodec<GenerationResult> RESULTS = new AvroCodec<>(GenerationResult.class);
    private static final AvroCodec<GenerationRequest> REQUESTS = new AvroCodec<>(GenerationRequest.class);
    private static final AvroCodec<FidReport> REPORTS = new AvroCodec<>(FidReport.class);
    private static final AvroCodec<CheckpointEvent> EVENTS = new AvroCodec<>(CheckpointEvent.class);

    @TempDir
    Path dir;

    private final RandomProjectionExtractor extractor = new RandomProjectionExtractor(SHAPE, 6, 17);

    @Test
    void everyCheckpointGetsOneReportPerSamplerOnTheAgreedSeeds(KafkaCluster kafka) throws Exception {
        Topics topics = Topics.defaults()
                .with(TopicRole.CHECKPOINTS, "ce.checkpoints")
                .with(TopicRole.PROGRESS, "ce.progress")
                .with(TopicRole.REQUESTS, "ce.requests")
                .with(TopicRole.RESULTS, "ce.results")
                .with(TopicRole.ERRORS, "ce.errors")
                .with(TopicRole.FID, "ce.fid");
        kafka.createTopics(1, topics.checkpoints(), topics.errors(), topics.fid());
        String evaluationRequests = "ce.eval-requests";
        topics = topics.with(TopicRole.EVALUATION_REQUESTS, evaluationRequests);
        kafka.createTopics(2, topics.requests(), topics.results(), evaluationRequests);
        Path store = Files.createDirectories(dir.resolve("store"));
        ReferenceStatistics reference = ReferenceStatsBuilder.compute(
                new InMemoryImages("reference", SHAPE, randomImages(new Random(3), 200)), extractor, 64);
        String bootstrap = kafka.bootstrapServers();
        EvaluatorConfig evaluatorConfig = new EvaluatorConfig(
                KafkaClientSettings.of(bootstrap),
                "ce-evaluator",
                topics,
                new ReportSchedule(PLAN.samples(), 0),
                16,
                new EvaluatorConfig.Streams(
                        dir.resolve("state"),
                        EvaluatorConfig.DEFAULT_MAX_MESSAGE_BYTES,
                        Map.of(
                                "session.timeout.ms",
                                "6000",
                                "heartbeat.interval.ms",
                                "500",
                                "commit.interval.ms",
                                "100",
                                "num.stream.threads",
                                "1",
                                "statestore.cache.max.bytes",
                                "0")));
        SamplerConfig samplerConfig = new SamplerConfig(
                new SamplerKafka(
                        KafkaClientSettings.of(bootstrap),
                        "ce-sampler",
                        SamplerKafka.topicsOf(topics, false),
                        RecordFormat.SINGLE_OBJECT),
                store,
                Batching.defaults().withSize(16, 5),
                Admission.defaults().withMaxImagesPerRequest(64),
                HttpEndpoint.disabled(),
                ServingLimits.NONE);
        DriverConfig driverConfig = new DriverConfig(
                "ce-driver",
                topics.checkpoints(),
                evaluationRequests,
                topics.errors(),
                Duration.ofMillis(200),
                Duration.ofSeconds(30));
        CheckpointEvent teacher = TinyCheckpoint.write(store, RUN, 10, Phase.PRETRAIN, 1);
        CheckpointEvent tuned = TinyCheckpoint.write(store, RUN, 20, Phase.ECT, 2);

        long supersededAt;
        try (EvaluatorApp evaluator = EvaluatorApp.start(evaluatorConfig, extractor, reference);
                SamplerService sampler = SamplerService.start(samplerConfig, new CheckpointModelLoader(Device.cpu()));
                EvaluationDriver driver =
                        new EvaluationDriver(KafkaClientSettings.of(bootstrap), driverConfig, PLAN).start();
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            assertTrue(evaluator.awaitRunning(WAIT));
            assertTrue(sampler.awaitRecovery(WAIT));
            producer.send(new ProducerRecord<>(topics.checkpoints(), RUN, EVENTS.encode(teacher)))
                    .get();
            // The tuned checkpoint arrives while the teacher's evaluation (Heun, 35 evaluations an image) is under way.
            readUntil(bootstrap, topics.results(), RESULTS, list -> !list.isEmpty());
            producer.send(new ProducerRecord<>(topics.checkpoints(), RUN, EVENTS.encode(tuned)))
                    .get();
            supersededAt = awaitActiveStep(sampler, 20);

            readUntil(bootstrap, topics.fid(), REPORTS, list -> list.size() >= 3);
            // every result so far is counted and its reports are committed
            kafka.awaitCaughtUp("ce-evaluator", List.of(topics.results()), WAIT);
            List<FidReport> reports = readUntil(bootstrap, topics.fid(), REPORTS, list -> list.size() >= 3);
            assertEquals(3, reports.size(), "one report per checkpoint and sampler, nothing more: " + reports);
            assertEquals(2, driver.evaluatedCheckpoints());
            assertEquals(0, driver.abandonedRequests());

            Map<String, List<byte[]>> served = imagesByGroup(readUntil(
                    bootstrap,
                    topics.results(),
                    RESULTS,
                    list -> list.stream().mapToInt(r -> r.getImages().size()).sum() >= 3 * PLAN.samples()));
            long teacherLate = readUntil(bootstrap, topics.results(), RESULTS, l -> true).stream()
                    .filter(r -> r.getModelVersion().getStep() == 10
                            && r.getCreatedAt().toEpochMilli() > supersededAt)
                    .count();
            log.info(
                    "results of step 10 made after step 20 was active: {}; driver sent {} requests ({} re-sent)",
                    teacherLate,
                    driver.requested(),
                    driver.retried());
            assertTrue(teacherLate > 0, "the teacher was superseded mid-evaluation and still scored to the end");

            FrechetDistance fid = new FrechetDistance(reference.statistics());
            checkReport(
                    reports,
                    teacher,
                    SamplerKind.EDM_HEUN,
                    35,
                    served.get("10:EDM_HEUN:35"),
                    generate(store, teacher, SamplerSettings.heun()),
                    fid);
            checkReport(
                    reports,
                    tuned,
                    SamplerKind.ECT,
                    1,
                    served.get("20:ECT:1"),
                    generate(store, tuned, SamplerSettings.ect(1, PLAN.tMid())),
                    fid);
            checkReport(
                    reports,
                    tuned,
                    SamplerKind.ECT,
                    2,
                    served.get("20:ECT:2"),
                    generate(store, tuned, SamplerSettings.ect(2, PLAN.tMid())),
                    fid);

            checkRequestSeeds(readUntil(bootstrap, evaluationRequests, REQUESTS, l -> l.size() >= 12));
            checkHistory(bootstrap, topics.fid(), reports);
        }
    }

    private void checkReport(
            List<FidReport> reports,
            CheckpointEvent event,
            SamplerKind sampler,
            int steps,
            List<byte[]> served,
            byte[][] expected,
            FrechetDistance fid) {
        FidReport report = reports.stream()
                .filter(r -> r.getModelVersion().getStep() == event.getStep()
                        && r.getSampler() == sampler
                        && r.getNetworkEvaluations() == steps)
                .findFirst()
                .orElseThrow();
        assertEquals(FidWindowKind.ALL, report.getWindow().getKind());
        assertEquals(TrafficPurpose.EVALUATION, report.getPurpose());
        assertEquals(PLAN.samples(), report.getNumSamples());
        assertEquals(event.getSha256(), report.getModelVersion().getSha256());
        assertEquals(event.getImagesSeen(), report.getImagesSeen());
        assertEquals(expected.length, served.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(
                    expected[i],
                    served.get(i),
                    "image " + i + " of " + sampler + " " + steps + " is the agreed seed's");
        }
        Moments moments = new Moments(extractor.dimension());
        moments.addAll(extractor.extract(ImageBatch.of(SHAPE, List.of(expected))));
        double direct = fid.distance(GaussianStatistics.of(moments));
        assertEquals(direct, report.getFid(), 1e-9 * Math.max(1, direct));
    }

    /** The same requests (image counts and seeds) for every checkpoint and sampler: the plan's. */
    private static void checkRequestSeeds(List<GenerationRequest> requests) {
        Map<String, List<String>> bySampler = new HashMap<>();
        for (GenerationRequest r : requests) {
            assertEquals(TrafficPurpose.EVALUATION, r.getPurpose());
            String id = r.getRequestId();
            int chunk = Integer.parseInt(id.split(":")[3]); // eval:<run>@<step>:<sampler>:<chunk>:<nonce>
            assertEquals(PLAN.requestSeed(chunk), r.getSeed());
            assertEquals(PLAN.imagesInRequest(chunk), r.getNumImages());
            bySampler
                    .computeIfAbsent(
                            r.getModel().getStep() + ":" + r.getSampler() + ":" + r.getSteps(), k -> new ArrayList<>())
                    .add(chunk + "/" + r.getSeed());
        }
        assertEquals(3, bySampler.size(), bySampler.toString());
        bySampler
                .values()
                .forEach(chunks -> assertEquals(
                        List.of("0/4242", "1/4243", "2/4244", "3/4245"),
                        chunks.stream().distinct().sorted().toList()));
    }

    private static void checkHistory(String bootstrap, String fidTopic, List<FidReport> reports) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new FidHistoryCommand());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--run", RUN, "--bootstrap-servers", bootstrap, "--fid-topic", fidTopic));
        String text = out.toString();
        log.info("fid-history:\n{}", text);
        String[] lines = text.split("\n");
        assertEquals(5, lines.length, text);
        assertTrue(
                lines[1].matches(
                        "\\| step \\| kimg \\|\\s+phase \\| ECT 1-step\\s+\\| ECT 2-step\\s+\\| Heun 35 NFE\\s+\\|"),
                lines[1]);
        double heun = reports.stream()
                .filter(r -> r.getSampler() == SamplerKind.EDM_HEUN)
                .findFirst()
                .orElseThrow()
                .getFid();
        assertTrue(
                lines[3].matches("\\|\\s+10 \\|\\s+1\\.0 \\| PRETRAIN \\| -\\s+\\| -\\s+\\| "
                        + java.util.regex.Pattern.quote(String.format(java.util.Locale.ROOT, "%.3f (64)", heun))
                        + "\\s+\\|"),
                lines[3]);
        assertTrue(
                lines[4].matches(
                        "\\|\\s+20 \\|\\s+2\\.0 \\|\\s+ECT \\| \\d+\\.\\d{3} \\(64\\)\\s+\\| \\d+\\.\\d{3} \\(64\\)\\s+\\| -\\s+\\|"),
                lines[4]);
    }

    /** Images per "step:sampler:steps", in request order (chunk c holds images c * 16 ...). */
    private static Map<String, List<byte[]>> imagesByGroup(List<GenerationResult> results) {
        Map<String, byte[][]> groups = new HashMap<>();
        for (GenerationResult r : results) {
            assertEquals(TrafficPurpose.EVALUATION, r.getPurpose());
            String id = r.getRequestId();
            int chunk = Integer.parseInt(id.split(":")[3]); // eval:<run>@<step>:<sampler>:<chunk>:<nonce>
            byte[][] images = groups.computeIfAbsent(
                    r.getModelVersion().getStep() + ":" + r.getSampler() + ":" + r.getNetworkEvaluations(),
                    k -> new byte[PLAN.samples()][]);
            for (int j = 0; j < r.getImages().size(); j++) {
                images[chunk * PLAN.requestImages() + r.getFirstImageIndex() + j] =
                        bytes(r.getImages().get(j));
            }
        }
        Map<String, List<byte[]>> out = new HashMap<>();
        groups.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    private static byte[][] generate(Path store, CheckpointEvent event, SamplerSettings settings) throws Exception {
        try (ImageGenerator model = new CheckpointModelLoader(Device.cpu())
                .load(
                        store.resolve(event.getCheckpointUri()),
                        new CheckpointExpectation(event.getSha256(), event.getSizeBytes(), event.getNetwork()))) {
            return model.generate(PLAN.noiseSeeds(), settings);
        }
    }

    private static long awaitActiveStep(SamplerService sampler, long step) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var model = sampler.registry().current(RUN);
            if (model != null && model.version().getStep() == step) {
                return System.currentTimeMillis();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the sampler did not load step " + step);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readUntil(
            String bootstrap, String topic, AvroCodec<T> codec, Predicate<List<T>> done) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        List<T> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            // Everything present now, then more until done.
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                    || !done.test(values)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic + " with " + values.size() + " records");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(codec.decode(r.value())));
            }
        }
        return values;
    }

    private static List<byte[]> randomImages(Random random, int n) {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] chw = new byte[SHAPE.pixels()];
            for (int p = 0; p < chw.length; p++) {
                chw[p] = (byte) (random.nextInt(160) + (p % 8) * 12);
            }
            images.add(chw);
        }
        return images;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
