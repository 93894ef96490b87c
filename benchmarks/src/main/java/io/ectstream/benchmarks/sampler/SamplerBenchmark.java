package io.ectstream.benchmarks.sampler;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.checkpoint.CheckpointEvents;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.CheckpointWriter;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.checkpoint.ParameterTensors;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaClients;
import io.ectstream.platform.kafka.RequestPartitions;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.Admission;
import io.ectstream.sampler.Batching;
import io.ectstream.sampler.HttpEndpoint;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerKafka;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.sampler.client.GenerationClient;
import io.ectstream.sampler.generate.ReplicatedGenerator;
import io.ectstream.sampler.generate.ReplicatedModelLoader;
import io.ectstream.sampler.validate.RequestCost;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.Phase;
import io.ectstream.schemas.serde.AvroCodec;
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
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;

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
            boolean batchInvariant,
            List<Device> devices,
            int externalSamplers,
            String topicPrefix,
            int rounds) {
        public Settings {
            devices = List.copyOf(devices);
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, not " + rounds);
            }
            if (devices.isEmpty()) {
                throw new IllegalArgumentException("need at least one device");
            }
            if (externalSamplers < 0) {
                throw new IllegalArgumentException("--external-samplers must be >= 0, not " + externalSamplers);
            }
            if (externalSamplers > 0 && topicPrefix == null) {
                throw new IllegalArgumentException(
                        "--external-samplers needs --topic-prefix: the serve processes read the topics it names");
            }
        }

        /** Sampler processes in the group: the external ones, or the one this benchmark runs. */
        public int samplerProcesses() {
            return externalSamplers > 0 ? externalSamplers : 1;
        }

        /** The shape measured, for the report. */
        public String shape() {
            return externalSamplers > 0
                    ? externalSamplers + " external sampler processes (serve)"
                    : devices.size() == 1
                            ? "one sampler, one generator on " + devices.get(0)
                            : "one sampler process, " + devices.size() + " generators on " + devices;
        }
    }

    /** What was measured. */
    public record Report(
            double inProcessImagesPerSecond,
            double endToEndImagesPerSecond,
            double ratio,
            double p50Ms,
            double p99Ms,
            double loadedP50Ms,
            double loadedP99Ms,
            Settings settings,
            long parameters,
            int requestPartitions,
            long duplicateAnswers,
            List<Long> batchesPerGenerator,
            String serviceStats,
            List<Double> endToEndRounds,
            double loadedMaxMs,
            double maxMs) {
        public String describe() {
            return String.format(
                            java.util.Locale.ROOT,
                            "%s, request topic partitions %d%n",
                            settings.shape(),
                            requestPartitions)
                    + String.format(
                            java.util.Locale.ROOT,
                            "request latency under load (every request of the timed rounds, window %d): p50 %.1f ms,"
                                    + " p99 %.1f ms, max %.1f ms; duplicate answers %d; batches per generator %s%n",
                            settings.window(),
                            loadedP50Ms,
                            loadedP99Ms,
                            loadedMaxMs,
                            duplicateAnswers,
                            batchesPerGenerator)
                    + String.format(
                            java.util.Locale.ROOT,
                            "network %s (%,d parameters), %d-step ECT, format %s, batch %d%s, %d requests x %d images, window %d%n"
                                    + "in-process batched forward: %s%n"
                                    + "end-to-end through Kafka:   %.1f images/s (median; rounds %s)%n"
                                    + "ratio end-to-end / in-process: %s%n"
                                    + "1-image request latency at light load (%d sequential requests): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                                    + "service during the throughput run: %s",
                            settings.network(),
                            parameters,
                            settings.steps(),
                            settings.format(),
                            settings.maxBatch(),
                            settings.batchInvariant()
                                    ? " (batch-invariant: image by image)"
                                    : " (one forward pass per batch)",
                            settings.requests(),
                            settings.imagesPerRequest(),
                            settings.window(),
                            Double.isNaN(inProcessImagesPerSecond)
                                    ? "not measured (the generators run in the external serve processes)"
                                    : String.format(
                                            java.util.Locale.ROOT,
                                            "%.1f images/s (median of the rounds)",
                                            inProcessImagesPerSecond),
                            endToEndImagesPerSecond,
                            endToEndRounds.stream()
                                    .map(r -> String.format(java.util.Locale.ROOT, "%.1f", r))
                                    .toList(),
                            Double.isNaN(ratio)
                                    ? "-"
                                    : String.format(
                                            java.util.Locale.ROOT, "%.3f (median of the per-round ratios)", ratio),
                            settings.latencyRequests(),
                            p50Ms,
                            p99Ms,
                            maxMs,
                            serviceStats);
        }
    }

    private SamplerBenchmark() {}

    public static Report run(String bootstrapServers, Path workDir, Settings s, Consumer<String> progress)
            throws Exception {
        return run(KafkaClientSettings.of(bootstrapServers), workDir, s, progress);
    }

    /** The benchmark with full Kafka client settings (security etc.) for every client it creates. */
    public static Report run(KafkaClientSettings kafka, Path workDir, Settings s, Consumer<String> progress)
            throws Exception {
        Path store = Files.createDirectories(workDir.resolve("store"));
        String prefix = s.topicPrefix() != null ? s.topicPrefix() : "bench-" + System.currentTimeMillis();
        Topics topics = topics(prefix);
        int partitions = RequestPartitions.forSamplerProcesses(s.samplerProcesses());
        createTopics(kafka, topics, evaluationRequestsTopic(prefix), partitions);
        long[] parameters = new long[1];
        CheckpointEvent event = writeCheckpoint(store, s.network(), parameters);
        SamplerSettings sampler = SamplerSettings.ect(s.steps());
        publishCheckpoint(kafka, topics.checkpoints(), event);
        if (s.externalSamplers() > 0) {
            try (GenerationClient client = new GenerationClient(kafka, topics, null)) {
                progress.accept("waiting for " + s.externalSamplers() + " serve processes in group " + prefix
                        + " to share the request partitions and load the checkpoint");
                awaitGroup(kafka, prefix, topics.requests(), s.externalSamplers());
                new RequestLoad(client, s, sampler).awaitServed(s.externalSamplers(), Duration.ofMinutes(3));
                return measure(client, null, List.of(), s, sampler, parameters[0], partitions, progress);
            }
        }
        progress.accept("end-to-end through Kafka");
        ModelLoader loader = ReplicatedModelLoader.of(
                s.devices().stream()
                        .map(d -> (ModelLoader) new CheckpointModelLoader(d, s.batchInvariant()))
                        .toList(),
                1);
        try (SamplerService service = SamplerService.start(config(kafka, store, prefix, topics, s, sampler), loader);
                GenerationClient client = new GenerationClient(kafka, topics, null)) {
            if (!service.awaitRecovery(Duration.ofSeconds(120))
                    || service.registry().current(RequestLoad.RUN_ID) == null) {
                throw new IllegalStateException("the sampler did not load the benchmark checkpoint");
            }
            ImageGenerator model =
                    service.registry().current(RequestLoad.RUN_ID).generator();
            List<ImageGenerator> copies = model instanceof ReplicatedGenerator r ? r.copies() : List.of(model);
            return measure(client, service, copies, s, sampler, parameters[0], partitions, progress);
        }
    }

    /** The service's configuration: one generator thread per device, admission sized for the window. */
    private static SamplerConfig config(
            KafkaClientSettings kafka, Path store, String prefix, Topics topics, Settings s, SamplerSettings sampler) {
        int maxImages = Math.max(Admission.DEFAULT_MAX_IMAGES_PER_REQUEST, s.imagesPerRequest());
        long maxCost = Math.max(Admission.DEFAULT_MAX_REQUEST_COST, RequestCost.of(sampler, maxImages));
        return new SamplerConfig(
                SamplerKafka.defaults(kafka)
                        .withGroupId(prefix)
                        .withTopics(topics)
                        .withEvaluationRequestsTopic(evaluationRequestsTopic(prefix)),
                store,
                new Batching(
                        s.maxBatch(),
                        Batching.DEFAULT_MAX_WAIT_MS,
                        s.devices().size(),
                        Batching.DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH),
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
    }

    /**
     * Warmup, then rounds of (end-to-end, in-process) when the service runs here ({@code service} null: external
     * samplers, end-to-end only), then the latency of 1-image requests one at a time.
     */
    private static Report measure(
            GenerationClient client,
            SamplerService service,
            List<ImageGenerator> copies,
            Settings s,
            SamplerSettings sampler,
            long parameters,
            int partitions,
            Consumer<String> progress)
            throws Exception {
        RequestLoad load = new RequestLoad(client, s, sampler);
        load.throughput(Math.max(2 * s.window(), s.requests() / 4), "warmup", false);
        var batchImages = service == null
                ? null
                : service.metrics().registry().find("ect.sampler.batch.images").summary();
        var generation = service == null
                ? null
                : service.metrics()
                        .registry()
                        .find("ect.sampler.batch.generation")
                        .timer();
        ImageGenerator model = service == null
                ? null
                : service.registry().current(RequestLoad.RUN_ID).generator();
        long[] perCopy0 = model instanceof ReplicatedGenerator r ? r.batchesPerCopy() : new long[0];
        // Alternate the two measurements so that load from other processes hits both alike.
        double[] e2e = new double[s.rounds()];
        double[] local = new double[service == null ? 0 : s.rounds()];
        double[] ratios = new double[local.length];
        long batches0 = batchImages == null ? 0 : batchImages.count();
        double images0 = batchImages == null ? 0 : batchImages.totalAmount();
        double genSeconds0 = generation == null ? 0 : generation.totalTime(java.util.concurrent.TimeUnit.SECONDS);
        double wall = 0;
        for (int round = 0; round < s.rounds(); round++) {
            long t0 = System.nanoTime();
            e2e[round] = load.throughput(s.requests(), "run" + round, true);
            wall += (System.nanoTime() - t0) / 1e9;
            if (service == null) {
                progress.accept(String.format(
                        java.util.Locale.ROOT, "round %d: end-to-end %.1f images/s", round + 1, e2e[round]));
                continue;
            }
            progress.accept(
                    "in-process forward pass, batch " + s.maxBatch() + " on " + copies.size() + " generators at once");
            local[round] = inProcessImagesPerSecond(copies, sampler, s);
            ratios[round] = e2e[round] / local[round];
            progress.accept(String.format(
                    java.util.Locale.ROOT,
                    "round %d: end-to-end %.1f, in-process %.1f images/s, ratio %.3f",
                    round + 1,
                    e2e[round],
                    local[round],
                    ratios[round]));
        }
        String stats;
        List<Long> perGenerator = new ArrayList<>();
        if (service == null) {
            stats = "external samplers: see their logs";
        } else {
            long batches = batchImages.count() - batches0;
            stats = String.format(
                    java.util.Locale.ROOT,
                    "%d batches, mean %.1f images per batch, forward passes busy %.0f%% of the end-to-end time (summed"
                            + " over %d generators); ratios per round %s",
                    batches,
                    (batchImages.totalAmount() - images0) / Math.max(1, batches),
                    100 * (generation.totalTime(java.util.concurrent.TimeUnit.SECONDS) - genSeconds0) / wall,
                    copies.size(),
                    Arrays.toString(Arrays.stream(ratios)
                            .map(r -> Math.round(r * 1000) / 1000.0)
                            .toArray()));
            if (model instanceof ReplicatedGenerator r) {
                long[] now = r.batchesPerCopy();
                for (int i = 0; i < now.length; i++) {
                    perGenerator.add(now[i] - perCopy0[i]);
                }
            } else {
                perGenerator.add(batches);
            }
        }
        progress.accept("latency of 1-image requests");
        double[] latencies = load.oneAtATime();
        Arrays.sort(latencies);
        double[] loaded = load.measuredMs();
        Arrays.sort(loaded);
        return new Report(
                service == null ? Double.NaN : median(local),
                median(e2e),
                service == null ? Double.NaN : median(ratios),
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                percentile(loaded, 0.50),
                percentile(loaded, 0.99),
                s,
                parameters,
                partitions,
                load.duplicates(),
                perGenerator,
                stats,
                java.util.Arrays.stream(e2e).boxed().toList(),
                percentile(loaded, 1.0),
                percentile(latencies, 1.0));
    }

    /** Waits until {@code members} consumers of the group each own a partition of the requests topic. */
    private static void awaitGroup(KafkaClientSettings kafka, String groupId, String topic, int members)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try (Admin admin = KafkaClients.admin(kafka)) {
            while (true) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId))
                        .describedGroups()
                        .get(groupId)
                        .get();
                long owning = group.members().stream()
                        .filter(m -> m.assignment().topicPartitions().stream()
                                .anyMatch(tp -> tp.topic().equals(topic)))
                        .count();
                if (group.groupState() == GroupState.STABLE && owning == members) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group " + groupId + " has " + owning + " consumers owning " + topic
                            + " partitions, not " + members + ", after 3 minutes (state " + group.groupState()
                            + "): are the serve processes running with --group-id " + groupId + "?");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Each copy on its own thread at once (the service's shape): images/s over all of them. */
    private static double inProcessImagesPerSecond(List<ImageGenerator> copies, SamplerSettings sampler, Settings s)
            throws Exception {
        int batches = Math.max(16, s.requests() * s.imagesPerRequest() / s.maxBatch() / copies.size());
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(copies.size());
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (ImageGenerator copy : copies) {
                done.add(threads.submit(() -> {
                    for (int b = 0; b < s.warmupBatches(); b++) {
                        copy.generate(NoiseSeeds.forImages(-1 - b, 0, s.maxBatch()), sampler);
                    }
                }));
            }
            for (var f : done) {
                f.get();
            }
            done.clear();
            long t0 = System.nanoTime();
            for (ImageGenerator copy : copies) {
                done.add(threads.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        copy.generate(NoiseSeeds.forImages(b, 0, s.maxBatch()), sampler);
                    }
                }));
            }
            for (var f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return (double) batches * copies.size() * s.maxBatch() / seconds;
        } finally {
            threads.shutdownNow();
        }
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
            CheckpointMetadata metadata = new CheckpointMetadata(
                    RequestLoad.RUN_ID, 1, 0, Phase.ECT, 0, spec, null, Map.of("init", 0L), Map.of(), Instant.now());
            WrittenCheckpoint written = CheckpointWriter.write(store.resolve(uri), metadata, groups);
            return CheckpointEvents.of(metadata, uri, written.sizeBytes(), written.sha256());
        }
    }

    private static Topics topics(String prefix) {
        Topics d = Topics.defaults();
        return Topics.defaults()
                .with(TopicRole.CHECKPOINTS, prefix + ".checkpoints")
                .with(TopicRole.REQUESTS, prefix + ".requests")
                .with(TopicRole.RESULTS, prefix + ".results")
                .with(TopicRole.ERRORS, prefix + ".errors");
    }

    private static String evaluationRequestsTopic(String prefix) {
        return prefix + ".evaluation-requests";
    }

    /** Creates the topics that do not exist yet: the request topics with one partition per sampler process. */
    private static void createTopics(
            KafkaClientSettings kafka, Topics topics, String evaluationRequests, int partitions) throws Exception {
        try (Admin admin = KafkaClients.admin(kafka)) {
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : List.of(topics.requests(), evaluationRequests)) {
                if (!existing.contains(t)) {
                    newTopics.add(new NewTopic(t, partitions, (short) 1));
                }
            }
            for (String t : List.of(topics.checkpoints(), topics.results(), topics.errors())) {
                if (!existing.contains(t)) {
                    newTopics.add(new NewTopic(t, 1, (short) 1));
                }
            }
            admin.createTopics(newTopics).all().get();
        }
    }

    private static void publishCheckpoint(KafkaClientSettings kafka, String topic, CheckpointEvent event)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(
                            topic, event.getRunId(), new AvroCodec<>(CheckpointEvent.class).encode(event)))
                    .get();
        }
    }
}
