package io.ectstream.sampler.cli;

import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.device.DeviceChoice;
import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Devices;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.PrecisionConverter;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.KafkaTopics;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.ServiceAccess;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.Admission;
import io.ectstream.sampler.Batching;
import io.ectstream.sampler.HttpEndpoint;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerKafka;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.sampler.generate.ReplicatedModelLoader;
import io.ectstream.sampler.http.HttpSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ectstream serve}: runs the sampler service until Ctrl-C. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve 1-2 step generation from Kafka (and HTTP), hot-loading every new checkpoint.")
public class ServeCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecordFormatOptions records;

    @Option(
            names = "--store",
            defaultValue = CheckpointStore.DEFAULT_ROOT,
            description = "Checkpoint store root; checkpoint URIs may not leave it (default ${DEFAULT-VALUE}).")
    Path store;

    @Option(
            names = "--group-id",
            defaultValue = SamplerKafka.DEFAULT_GROUP_ID,
            description = "Consumer group shared by the instances (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(
            names = "--max-batch",
            defaultValue = "" + Batching.DEFAULT_MAX_BATCH_IMAGES,
            description = "Images per forward pass at most; also the chunk size (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(
            names = "--max-wait-ms",
            defaultValue = "" + Batching.DEFAULT_MAX_WAIT_MS,
            description = "Longest a partial batch waits for more requests (default ${DEFAULT-VALUE}).")
    long maxWaitMs;

    @Option(
            names = "--max-images",
            defaultValue = "" + Admission.DEFAULT_MAX_IMAGES_PER_REQUEST,
            description = "Most images one request may ask for (default ${DEFAULT-VALUE}).")
    int maxImages;

    @Option(
            names = "--max-in-flight",
            defaultValue = "" + Admission.DEFAULT_MAX_IN_FLIGHT_REQUESTS,
            description = "User requests in flight before the consumer pauses (default ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--max-in-flight-evaluation",
            defaultValue = "" + Admission.DEFAULT_MAX_IN_FLIGHT_EVALUATION_REQUESTS,
            description =
                    "Evaluation requests in flight, a budget of their own so that evaluation never blocks user intake (default ${DEFAULT-VALUE}).")
    int maxInFlightEvaluation;

    @Option(
            names = "--user-batches-per-evaluation-batch",
            defaultValue = "" + Batching.DEFAULT_USER_BATCHES_PER_EVALUATION_BATCH,
            description =
                    "Evaluation's share under full user load: after this many user batches in a row a waiting evaluation"
                            + " batch runs (default ${DEFAULT-VALUE}: at least one batch in five).")
    int userBatchesPerEvaluationBatch;

    @Option(
            names = "--generator-threads",
            defaultValue = "" + Batching.DEFAULT_GENERATOR_THREADS,
            description = "Worker threads running forward passes, per device of --device (default ${DEFAULT-VALUE}).")
    int generatorThreads;

    @Option(
            names = "--http-host",
            description =
                    "HTTP bind address (default: 127.0.0.1 without a token, 0.0.0.0 with --http-token/ECTSTREAM_HTTP_TOKEN).")
    String httpHost;

    @Option(
            names = "--http-token",
            paramLabel = "TOKEN",
            description =
                    "Bearer token every HTTP route but /health requires (at least 16 characters); prefer ECTSTREAM_HTTP_TOKEN"
                            + " or --http-token-file, which do not show in the process list.")
    String httpToken;

    @Option(
            names = "--http-token-file",
            paramLabel = "FILE",
            description = "File holding the bearer token (first line).")
    Path httpTokenFile;

    @Option(
            names = "--http-tls-cert",
            paramLabel = "PEM",
            description = "Certificate chain (PEM): serve HTTPS; needs --http-tls-key.")
    Path httpTlsCert;

    @Option(names = "--http-tls-key", paramLabel = "PEM", description = "Private key (PEM) of --http-tls-cert.")
    Path httpTlsKey;

    /** The environment the token may come from; tests replace it. */
    java.util.Map<String, String> env = System.getenv();

    @Option(
            names = "--http-port",
            defaultValue = "" + HttpEndpoint.DEFAULT_PORT,
            description = "HTTP port; 0 picks a free one, -1 disables HTTP (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            converter = PrecisionConverter.class,
            description = "What the network computes in: " + Precision.CHOICES + " (default ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(
            names = "--batch-invariant",
            negatable = true,
            description = "Run each image through the network alone, so a request's bytes never depend on its batch;"
                    + " --no-batch-invariant runs whole batches at once: faster, rarely +-1 in a pixel (default: on for the CPU,"
                    + " off on a GPU, where it costs 15-25x).")
    Boolean batchInvariant;

    @Option(
            names = "--requests-topic",
            defaultValue = Topics.DEFAULT_REQUESTS,
            description = "(default ${DEFAULT-VALUE})")
    String requestsTopic;

    @Option(
            names = "--results-topic",
            defaultValue = Topics.DEFAULT_RESULTS,
            description = "(default ${DEFAULT-VALUE})")
    String resultsTopic;

    @Option(names = "--errors-topic", defaultValue = Topics.DEFAULT_ERRORS, description = "(default ${DEFAULT-VALUE})")
    String errorsTopic;

    @Option(
            names = "--checkpoints-topic",
            defaultValue = Topics.DEFAULT_CHECKPOINTS,
            description = "(default ${DEFAULT-VALUE})")
    String checkpointsTopic;

    @Option(
            names = "--evaluation-requests-topic",
            defaultValue = Topics.DEFAULT_EVALUATION_REQUESTS,
            description =
                    "The evaluation driver's requests, read in group GROUP-evaluation; every request read from it is evaluation"
                            + " traffic, every request of --requests-topic is user traffic whatever its purpose says (default ${DEFAULT-VALUE}).")
    String evaluationRequestsTopic;

    @Option(
            names = "--results-json-topic",
            paramLabel = "TOPIC",
            description =
                    "Also publish every result as JSON (images base64) on this topic, for tools that do not speak Avro"
                            + " (e.g. ect.generate.results.json); default: off.")
    String resultsJsonTopic;

    @Option(
            names = "--reply-topic-prefix",
            defaultValue = Admission.DEFAULT_REPLY_TOPIC_PREFIX,
            paramLabel = "PREFIX",
            description =
                    "Requests may name a replyTopic starting with this prefix (besides the results topic); an empty"
                            + " value allows none by prefix (default ${DEFAULT-VALUE}). Platform topics, names starting with _ and"
                            + " *-changelog/*-repartition are never allowed.")
    String replyTopicPrefix;

    @Option(
            names = "--reply-topic",
            paramLabel = "TOPIC",
            description = "A reply topic requests may name, besides the results topic and the prefix (repeatable).")
    List<String> replyTopics = new java.util.ArrayList<>();

    @Option(
            names = "--max-request-cost",
            defaultValue = "" + Admission.DEFAULT_MAX_REQUEST_COST,
            paramLabel = "N",
            description =
                    "Most network evaluations one user request may cost, Kafka and HTTP alike: images x evaluations per"
                            + " image (ECT 1 or 2, Heun 35); above it TOO_COSTLY (default ${DEFAULT-VALUE}: 256 images at 2 steps, 14 Heun images).")
    long maxRequestCost;

    @Option(
            names = "--max-http-in-flight-cost",
            defaultValue = "" + Admission.DEFAULT_MAX_HTTP_IN_FLIGHT_COST,
            paramLabel = "N",
            description =
                    "Network evaluations of the HTTP requests in flight together; past it POST /v1/generate answers 429"
                            + " with Retry-After (default ${DEFAULT-VALUE}; at least --max-request-cost).")
    long maxHttpInFlightCost;

    @Option(
            names = "--default-deadline-ms",
            defaultValue = "" + ServingLimits.DEFAULT_DEADLINE_MS,
            paramLabel = "MS",
            description =
                    "Deadline of a user request that sets no deadlineMs, counted from its record's timestamp: not generated"
                            + " by then, it gets EXPIRED instead of late images; 0: none. Evaluation requests get none (default ${DEFAULT-VALUE}).")
    long defaultDeadlineMs;

    @Option(
            names = "--max-queued-user-cost",
            defaultValue = "" + ServingLimits.DEFAULT_MAX_QUEUED_USER_COST,
            paramLabel = "N",
            description =
                    "Network evaluations of the user requests accepted and not yet generated; a user request that would pass"
                            + " it gets OVERLOADED at once (HTTP 503 with Retry-After). Evaluation is never shed (default ${DEFAULT-VALUE};"
                            + " at least --max-request-cost).")
    long maxQueuedUserCost;

    @Option(
            names = "--recent-versions",
            defaultValue = "" + ServingLimits.DEFAULT_RECENT_VERSIONS,
            paramLabel = "N",
            description =
                    "Checkpoints kept loaded per run: the newest, and the ones it superseded for requests naming their exact"
                            + " step (evaluations that waited while training went on) (default ${DEFAULT-VALUE}).")
    int recentVersions;

    @Option(
            names = "--topic-check",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Check at start that the topics it needs exist and name the missing ones (default ${DEFAULT-VALUE}).")
    boolean topicCheck;

    SamplerConfig config() {
        Topics topics = Topics.defaults()
                .with(TopicRole.CHECKPOINTS, checkpointsTopic)
                .with(TopicRole.REQUESTS, requestsTopic)
                .with(TopicRole.EVALUATION_REQUESTS, evaluationRequestsTopic)
                .with(TopicRole.RESULTS, resultsTopic)
                .with(TopicRole.ERRORS, errorsTopic)
                .with(TopicRole.RESULTS_JSON, resultsJsonTopic);
        KafkaClientSettings settings = kafka.settings(env);
        HttpSecurity security = new HttpSecurity(token(), httpTlsCert, httpTlsKey);
        String host = httpHost != null
                ? httpHost
                : security.tokenRequired() ? HttpEndpoint.TOKEN_HOST : HttpEndpoint.DEFAULT_HOST;
        SamplerConfig config = new SamplerConfig(
                new SamplerKafka(
                        settings,
                        groupId,
                        SamplerKafka.topicsOf(topics, resultsJsonTopic != null),
                        topics,
                        records.recordFormat()),
                store,
                new Batching(
                        maxBatch,
                        maxWaitMs,
                        generatorThreads * DeviceChoice.parse(device.device()).size(),
                        userBatchesPerEvaluationBatch),
                new Admission(
                        maxImages,
                        maxInFlight,
                        maxInFlightEvaluation,
                        maxRequestCost,
                        maxHttpInFlightCost,
                        replyTopicPrefix,
                        replyTopics),
                new HttpEndpoint(host, httpPort, security),
                new ServingLimits(defaultDeadlineMs, maxQueuedUserCost, recentVersions));
        config.replyTopicPolicy();
        return config;
    }

    /**
     * One loader per device of --device: with a list, every checkpoint is loaded once per device and the generator
     * threads share one batch queue (one consumer of the group, whatever the number of devices).
     */
    ModelLoader loader() {
        List<ModelLoader> perDevice = Devices.selectAll(device).stream()
                .map(d -> (ModelLoader) CheckpointModelLoader.forServing(d, batchInvariant, precision))
                .toList();
        return ReplicatedModelLoader.of(perDevice, generatorThreads);
    }

    private String token() {
        try {
            if (httpToken != null) {
                return httpToken;
            }
            if (httpTokenFile != null) {
                return java.nio.file.Files.readAllLines(httpTokenFile).stream()
                        .findFirst()
                        .orElse("")
                        .trim();
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the HTTP token file " + httpTokenFile + ": " + e.getMessage(), e);
        }
        return env.get("ECTSTREAM_HTTP_TOKEN");
    }

    @Override
    public Integer call() throws Exception {
        SamplerConfig config = config();
        if (topicCheck) {
            try (KafkaTopics topics = new KafkaTopics(kafka.settings(env), Duration.ofSeconds(30))) {
                topics.check(
                        SamplerConfig.COMPONENT,
                        ServiceAccess.SAMPLER,
                        config.kafka().topics());
            }
        }
        config.http().exposureWarning().ifPresent(LOG::warn);
        SamplerService service = SamplerService.start(config, loader());
        HttpEndpoint http = config.http();
        System.out.println("sampler serving " + config.kafka().topics().requests() + " on "
                + config.kafka().bootstrapServers()
                + (service.httpPort() > 0
                        ? ", HTTP on " + (http.security().tls() ? "https://" : "http://") + http.host() + ":"
                                + service.httpPort()
                                + (http.security().tokenRequired() ? " (bearer token required)" : "")
                        : "")
                + " (Ctrl-C stops it)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
