package io.ectstream.sampler.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.checkpoint.ParameterTensors;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.sampler.Admission;
import io.ectstream.sampler.Batching;
import io.ectstream.sampler.HttpEndpoint;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerKafka;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.sampler.client.GenerationClient;
import io.ectstream.sampler.validate.RequestCost;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.serde.AvroCodec;
import io.ectstream.schemas.topics.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measures, in one run on one machine: the model's batched forward pass in-process (images/s), the
 * same model end-to-end through Kafka and the sampler service (images/s), their ratio, and the
 * round-trip latency of 1-image requests sent one at a time (p50, p99). Not a test.
 */
public final class SamplerBenchmark {

    /** What to measure. */
    public record Settings(
            NetworkSpec network,
            int steps,
            int maxBatch,
            int imagesPerRequest,
            int requests,
            int window,
            int latencyRequests,
            ImageFormat format,
            int warmupBatches,
            boolean batchInvariant) {}

    /** What was measured. */
    public record Report(
            double inProcessImagesPerSecond,
            double endToEndImagesPerSecond,
            double ratio,
            double p50Ms,
            double p99Ms,
            Settings settings,
            long parameters,
            String serviceStats) {
        public String describe() {
            return String.format(
                    java.util.Locale.ROOT,
                    "network %s (%,d parameters), %d-step ECT, format %s, batch %d%s, %d requests x %d images, window %d%n"
                            + "in-process batched forward: %.1f images/s (median of " + ROUNDS + " rounds)%n"
                            + "end-to-end through Kafka:   %.1f images/s (median)%n"
                            + "ratio end-to-end / in-process: %.3f (median of the per-round ratios)%n"
                            + "1-image request latency at light load (%d sequential requests): p50 %.1f ms, p99 %.1f ms%n"
                            + "service during the throughput run: %s",
                    settings.network(),
                    parameters,
                    settings.steps(),
                    settings.format(),
                    settings.maxBatch(),
                    settings.batchInvariant() ? " (batch-invariant: image by image)" : " (one forward pass per batch)",
                    settings.requests(),
                    settings.imagesPerRequest(),
                    settings.window(),
                    inProcessImagesPerSecond,
                    endToEndImagesPerSecond,
                    ratio,
                    settings.latencyRequests(),
                    p50Ms,
                    p99Ms,
                    serviceStats);
        }
    }

    /** Alternating rounds of (end-to-end, in-process); the report gives medians. */
    static final int ROUNDS = 3;

    private SamplerBenchmark() {}

    public static Report run(String bootstrapServers, Path workDir, Settings s, Consumer<String> progress)
            throws Exception {
        return run(KafkaClientSettings.of(bootstrapServers), workDir, s, progress);
    }

    /** The benchmark with full Kafka client settings (security etc.) for every client it creates. */
    public static Report run(KafkaClientSettings kafka, Path workDir, Settings s, Consumer<String> progress)
            throws Exception {
        Map<String, Object> clientProperties = kafka.clientProperties();
        Path store = Files.createDirectories(workDir.resolve("store"));
        String prefix = "bench-" + System.currentTimeMillis();
        TopicNames d = TopicNames.defaults();
        TopicNames topics = new TopicNames(
                prefix + ".checkpoints",
                d.trainProgress(),
                prefix + ".requests",
                prefix + ".results",
                prefix + ".errors",
                d.evalFid());
        createTopics(clientProperties, topics);
        long[] parameters = new long[1];
        CheckpointEvent event = writeCheckpoint(store, s.network(), parameters);
        SamplerSettings sampler = SamplerSettings.ect(s.steps());

        progress.accept("end-to-end through Kafka");
        int maxImages = Math.max(Admission.DEFAULT_MAX_IMAGES_PER_REQUEST, s.imagesPerRequest());
        long maxCost = Math.max(Admission.DEFAULT_MAX_REQUEST_COST, RequestCost.of(sampler, maxImages));
        SamplerConfig config = new SamplerConfig(
                SamplerKafka.defaults(kafka).withGroupId(prefix).withTopics(topics),
                store,
                Batching.defaults().withSize(s.maxBatch(), Batching.DEFAULT_MAX_WAIT_MS),
                new Admission(
                        maxImages,
                        Math.max(Admission.DEFAULT_MAX_IN_FLIGHT_REQUESTS, s.window()),
                        Admission.DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS,
                        maxCost,
                        Math.max(Admission.DEFAULT_MAX_HTTP_IN_FLIGHT_COST, maxCost),
                        Admission.DEFAULT_REPLY_TOPIC_PREFIX,
                        List.of()),
                HttpEndpoint.disabled(),
                ServingLimits.NONE);
        publishCheckpoint(clientProperties, topics.checkpoints(), event);
        double endToEnd;
        double[] latencies;
        double inProcess;
        double ratio;
        String stats;
        try (SamplerService service =
                        SamplerService.start(config, new CheckpointModelLoader(Device.cpu(), s.batchInvariant()));
                GenerationClient client = new GenerationClient(clientProperties, topics, null)) {
            if (!service.awaitRecovery(Duration.ofSeconds(60))
                    || service.registry().current("bench") == null) {
                throw new IllegalStateException("the sampler did not load the benchmark checkpoint");
            }
            throughput(client, s, sampler, Math.max(2, s.requests() / 4), "warmup");
            var batchImages = service.metrics()
                    .registry()
                    .find("ect.sampler.batch.images")
                    .summary();
            var generation = service.metrics()
                    .registry()
                    .find("ect.sampler.batch.generation")
                    .timer();
            ImageGenerator model = service.registry().current("bench").generator();
            // Alternate the two measurements so that load from other processes hits both alike.
            double[] e2e = new double[ROUNDS];
            double[] local = new double[ROUNDS];
            double[] ratios = new double[ROUNDS];
            long batches0 = batchImages.count();
            double images0 = batchImages.totalAmount();
            double genSeconds0 = generation.totalTime(java.util.concurrent.TimeUnit.SECONDS);
            double wall = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long t0 = System.nanoTime();
                e2e[round] = throughput(client, s, sampler, s.requests(), "run" + round);
                wall += (System.nanoTime() - t0) / 1e9;
                progress.accept("in-process forward pass, batch " + s.maxBatch());
                local[round] = inProcessImagesPerSecond(model, sampler, s);
                ratios[round] = e2e[round] / local[round];
                progress.accept(String.format(
                        java.util.Locale.ROOT,
                        "round %d: end-to-end %.1f, in-process %.1f images/s, ratio %.3f",
                        round + 1,
                        e2e[round],
                        local[round],
                        ratios[round]));
            }
            long batches = batchImages.count() - batches0;
            stats = String.format(
                    java.util.Locale.ROOT,
                    "%d batches, mean %.1f images per batch, forward passes busy %.0f%% of the end-to-end time; ratios per round %s",
                    batches,
                    (batchImages.totalAmount() - images0) / Math.max(1, batches),
                    100 * (generation.totalTime(java.util.concurrent.TimeUnit.SECONDS) - genSeconds0) / wall,
                    Arrays.toString(Arrays.stream(ratios)
                            .map(r -> Math.round(r * 1000) / 1000.0)
                            .toArray()));
            endToEnd = median(e2e);
            inProcess = median(local);
            ratio = median(ratios);
            progress.accept("latency of 1-image requests");
            latencies = latencies(client, s, sampler);
        }
        Arrays.sort(latencies);
        return new Report(
                inProcess,
                endToEnd,
                ratio,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                s,
                parameters[0],
                stats);
    }

    private static double inProcessImagesPerSecond(ImageGenerator model, SamplerSettings sampler, Settings s) {
        int batches = Math.max(16, s.requests() * s.imagesPerRequest() / s.maxBatch());
        for (int b = 0; b < s.warmupBatches(); b++) {
            model.generate(NoiseSeeds.forImages(-1 - b, 0, s.maxBatch()), sampler);
        }
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            model.generate(NoiseSeeds.forImages(b, 0, s.maxBatch()), sampler);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return batches * s.maxBatch() / seconds;
    }

    /** Keeps {@code window} requests in flight until {@code count} are answered; images per second. */
    private static double throughput(
            GenerationClient client, Settings s, SamplerSettings sampler, int count, String tag) {
        long t0 = System.nanoTime();
        int sent = 0;
        int answered = 0;
        while (answered < count) {
            while (sent < count && sent - answered < s.window()) {
                client.sendAsync(request(tag + "-" + sent, s.imagesPerRequest(), sampler, sent, s.format()));
                sent++;
            }
            for (String id : client.poll(Duration.ofMillis(50))) {
                if (!client.answer(id).orElseThrow().ok()) {
                    throw new IllegalStateException("request " + id + " failed: "
                            + client.answer(id).get().error().getReason());
                }
                answered++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return (double) count * s.imagesPerRequest() / seconds;
    }

    private static double[] latencies(GenerationClient client, Settings s, SamplerSettings sampler) {
        double[] ms = new double[s.latencyRequests()];
        for (int i = 0; i < ms.length; i++) {
            String id = "latency-" + i;
            long t0 = System.nanoTime();
            client.sendAsync(request(id, 1, sampler, 10_000 + i, s.format()));
            client.await(id, Duration.ofSeconds(60));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    private static GenerationRequest request(
            String id, int images, SamplerSettings sampler, long seed, ImageFormat format) {
        return GenerationRequest.newBuilder()
                .setRequestId(id)
                .setModel(new ModelSelector("bench", null))
                .setNumImages(images)
                .setSteps(sampler.steps())
                .setSeed(seed)
                .setOutputFormat(format)
                .setCreatedAt(Instant.now())
                .build();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** A randomly initialised network (EDM's init, seed 0): throughput does not depend on the weights. */
    private static CheckpointEvent writeCheckpoint(Path store, NetworkSpec spec, long[] parameters) throws IOException {
        String uri = "bench/step-1.ckpt";
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            SongUNet net = new SongUNet(spec);
            net.initialize(manager, 0L);
            parameters[0] = net.parameterCount();
            Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
            groups.put(CheckpointFormat.GROUP_EMA, ParameterTensors.arrays(net));
            WrittenCheckpoint written = CheckpointWriter.write(
                    store.resolve(uri),
                    new CheckpointMetadata(
                            "bench", 1, 0, Phase.ECT, 0, spec, null, Map.of("init", 0L), Map.of(), Instant.now()),
                    groups);
            return CheckpointEvent.newBuilder()
                    .setRunId("bench")
                    .setStep(1)
                    .setImagesSeen(0)
                    .setPhase(Phase.ECT)
                    .setEctStage(0)
                    .setNetwork(spec.toAvro())
                    .setCheckpointUri(uri)
                    .setSizeBytes(written.sizeBytes())
                    .setSha256(written.sha256())
                    .setCreatedAt(Instant.now())
                    .setTrainingLoss(0)
                    .build();
        }
    }

    private static void createTopics(Map<String, Object> clientProperties, TopicNames topics) throws Exception {
        try (Admin admin = KafkaClients.admin(clientProperties)) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : List.of(
                    topics.checkpoints(),
                    topics.generateRequests(),
                    topics.generateResults(),
                    topics.generateErrors())) {
                newTopics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(newTopics).all().get();
        }
    }

    private static void publishCheckpoint(Map<String, Object> clientProperties, String topic, CheckpointEvent event)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(clientProperties)) {
            producer.send(new ProducerRecord<>(
                            topic, event.getRunId(), new AvroCodec<>(CheckpointEvent.class).encode(event)))
                    .get();
        }
    }
}
