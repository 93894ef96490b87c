package io.ectstream.launcher.demo;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.data.DatasetKind;
import io.ectstream.core.data.DatasetLocations;
import io.ectstream.core.data.DatasetSpec;
import io.ectstream.core.data.Datasets;
import io.ectstream.core.data.Fit;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.data.Split;
import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Devices;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.PrecisionConverter;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.driver.EvaluationDriver;
import io.ectstream.evaluator.driver.EvaluationPlan;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.features.LabeledImages;
import io.ectstream.evaluator.stream.EvaluatorApp;
import io.ectstream.evaluator.stream.EvaluatorConfig;
import io.ectstream.evaluator.stream.ReportSchedule;
import io.ectstream.kafka.embedded.EmbeddedKafkaBroker;
import io.ectstream.launcher.PlatformTopics;
import io.ectstream.launcher.dashboard.DashboardRoles;
import io.ectstream.launcher.dashboard.DashboardServer;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.TopicLayout;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.SamplerConfig;
import io.ectstream.sampler.SamplerService;
import io.ectstream.sampler.ServingLimits;
import io.ectstream.schemas.CheckpointEvent;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The README's first command: a real KRaft broker in this JVM, the shipped ECT-tuned model served to user traffic
 * from the first minute, the trainer showing how such a model is made (ECT tuning of the shipped Fashion-MNIST
 * teacher, or with --from-scratch diffusion pretraining first), the sampler service hot-loading every checkpoint,
 * the evaluation driver and the Kafka Streams evaluator scoring every checkpoint, and the live dashboard.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the shipped ECT-tuned Fashion-MNIST model to user traffic, and ECT-tune the shipped teacher live to"
                    + " show how such a model is made; serve and evaluate every checkpoint on an embedded Kafka broker",
            "(the built-in subset of Fashion-MNIST, or the full dataset when Debian's dataset-fashion-mnist is installed).",
            "Results go to the run folder."
        })
public final class DemoCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);
    private static final int TRAINER_ATTEMPTS = 3;
    /**
     * Small enough that every checkpoint, and the teacher's 35-evaluation Heun, is scored within the demo's few minutes
     * on 2 CPU cores; FID over so few samples sits far above its 10,000-sample value, but compares checkpoints fairly.
     */
    static final int CPU_EVAL_SAMPLES = 128;
    /**
     * On the CPU the sampler runs batches of at most this many images: one batch of the teacher's Heun (35 network
     * evaluations per image) holds the single generator for 35 forward passes, and a user request behind it waits that
     * long (seconds at 4 images; tens of seconds at serve's default of 32 run image by image). A user request (4 images)
     * is one batch.
     */
    static final int CPU_MAX_BATCH = 4;
    /** Every checkpoint of a demo run stays loaded, so an evaluation that waited behind the teacher's still finds it. */
    static final int RECENT_VERSIONS = 16;

    static final String NO_SERVED_MODEL = "none";
    private static final Duration SERVED_SCORED_FIRST = Duration.ofSeconds(90);
    static final int GPU_EVAL_SAMPLES = 1024;

    @Option(
            names = "--config",
            description =
                    "Training configuration (default configs/demo-tune.yaml; configs/demo.yaml with --from-scratch).")
    Path config;

    @Option(
            names = "--teacher",
            defaultValue = "models/fashion-teacher.ckpt",
            description =
                    "Diffusion teacher to ECT-tune, a checkpoint of the configuration's network (default ${DEFAULT-VALUE}).")
    Path teacher;

    @Option(
            names = "--served-model",
            defaultValue = "models/fashion-ect.ckpt",
            paramLabel = "FILE",
            description = "ECT-tuned model announced before tuning starts and served to the user load from the first"
                    + " minute, its samples and FID at the top of the dashboard; --served-model " + NO_SERVED_MODEL
                    + ": no served model, users ask the tuning run (default ${DEFAULT-VALUE}).")
    String servedModel;

    @Option(
            names = "--from-scratch",
            description = "No teacher: pretrain one with the diffusion loss, then ECT-tune it (configs/demo.yaml).")
    boolean fromScratch;

    @Option(
            names = "--feature-net",
            defaultValue = "models/fashion-mnist.feature-net",
            description =
                    "FID feature network (default ${DEFAULT-VALUE}; when missing, one is trained on the shipped subset and cached).")
    Path featureNet;

    @Option(
            names = "--reference-stats",
            defaultValue = "models/fashion-mnist-train.reference-stats",
            description =
                    "Reference statistics of the feature network (default ${DEFAULT-VALUE}: the full Fashion-MNIST training set).")
    Path referenceStats;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override a training configuration key, e.g. --set pretrain.kimg=5")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--run-dir",
            description = "Folder for checkpoints, sample grids and the FID table (default runs/demo-<time>).")
    Path runDir;

    @Option(
            names = "--cache-dir",
            defaultValue = "runs/cache",
            description = "Feature network and reference statistics, reused between demos (default ${DEFAULT-VALUE}).")
    Path cacheDir;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(
            names = "--tf32",
            description = "Let the demo's trainer use TF32 on a GPU (faster; default off, as locuslab/ect trains:"
                    + " see `ectstream train --help`). The sampler keeps --precision.")
    boolean tf32;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            converter = PrecisionConverter.class,
            description = "What the demo's sampler computes in: " + Precision.CHOICES + " (default ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(
            names = "--eval-samples",
            description = "Samples per checkpoint and sampler for its FID (default " + CPU_EVAL_SAMPLES
                    + " on the CPU, so the teacher's Heun and every checkpoint are scored within minutes; "
                    + GPU_EVAL_SAMPLES + " on a GPU: a smoother curve at the same wait).")
    Integer evalSamples;

    @Option(
            names = "--teacher-heun",
            negatable = true,
            description =
                    "Also score teachers with EDM's Heun sampler, 35 evaluations per image (default: on for the shipped teacher,"
                            + " off with --from-scratch, where every pretraining checkpoint is a teacher).")
    Boolean teacherHeun;

    @Option(
            names = "--user-rate",
            defaultValue = "2",
            description =
                    "Target user requests per second of the load generator, 0 for none; it logs the achieved rate when below (default ${DEFAULT-VALUE}).")
    double userRate;

    @Option(
            names = "--user-in-flight",
            defaultValue = "4",
            description =
                    "Most user requests the load generator leaves unanswered at once: a slow sampler slows it down (default ${DEFAULT-VALUE}).")
    int userInFlight;

    @Option(
            names = "--dashboard-port",
            defaultValue = "8080",
            description = "Dashboard HTTP port on 127.0.0.1, 0 for a free one (default ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(
            names = "--keep-serving",
            description = "After training, go on serving and showing the dashboard until Ctrl-C.")
    boolean keepServing;

    @Option(
            names = "--linger-seconds",
            defaultValue = "0",
            description =
                    "After training, go on serving and showing the dashboard this long (default ${DEFAULT-VALUE}).")
    long lingerSeconds;

    @Spec
    CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int dashboardPortBound = -1;

    @Option(
            names = "--settle-seconds",
            defaultValue = "300",
            description =
                    "Longest wait after training for every checkpoint's FID (or the reason it has none) (default ${DEFAULT-VALUE}).")
    long settleSeconds;

    @Override
    public Integer call() throws Exception {
        // Trainer, sampler and evaluator share two cores: one PyTorch thread each beats oversubscribed OpenMP teams.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        teacher = shipped(teacher);
        featureNet = shipped(featureNet);
        referenceStats = shipped(referenceStats);
        Path run = (runDir != null
                        ? runDir
                        : Path.of(
                                "runs",
                                "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))))
                .toAbsolutePath()
                .normalize();
        Path store = run.resolve("checkpoints");
        Files.createDirectories(store);
        Device dev = Devices.select(device);
        int evalSamples =
                this.evalSamples != null ? this.evalSamples : dev.isGpu() ? GPU_EVAL_SAMPLES : CPU_EVAL_SAMPLES;
        Topics topics = Topics.defaults();
        log.info("demo run folder {} on {}", run, dev);

        // A missing model is the user's to fix: one line, before a broker starts.
        CheckpointEvent served;
        CheckpointEvent teacherEvent;
        try {
            served = NO_SERVED_MODEL.equals(servedModel)
                    ? null
                    : ShippedCheckpoint.placeServed(shipped(Path.of(servedModel)), store);
            teacherEvent = fromScratch ? null : ShippedCheckpoint.placeTeacher(teacher, store);
        } catch (CheckpointException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(run.resolve("kafka"), false, 0)) {
            TopicLayout layout = TopicLayout.defaults(topics);
            KafkaClientSettings clients = KafkaClientSettings.of(broker.bootstrapServers());
            PlatformTopics.setUp(clients, layout);
            String evaluationRequests =
                    layout.get(TopicRole.EVALUATION_REQUESTS).name();

            ImageDataset train =
                    Datasets.open(new DatasetSpec(DatasetKind.FASHION_MNIST, null, Split.TRAIN, 28, 1, Fit.PAD));
            EvaluatorAssets assets = evaluatorAssets(train);
            String runId = run.getFileName().toString();
            String servedRunId = null;
            if (served != null) {
                ShippedCheckpoint.announce(served, broker.bootstrapServers(), topics);
                servedRunId = served.getRunId();
                log.info(
                        "served model {} (run {} step {}) announced: user requests go to it",
                        servedModel,
                        servedRunId,
                        served.getStep());
            }
            String teacherRunId = teacherEvent == null ? null : teacherEvent.getRunId();
            boolean heun = teacherHeun != null ? teacherHeun : !fromScratch;

            String usersAsk = servedRunId != null ? servedRunId : runId;
            try (DashboardServer dashboard =
                            new DashboardServer(clients, topics, new DashboardRoles(servedRunId, teacherRunId));
                    FeatureExtractor extractor = ExtractorSpec.open("feature-net:" + assets.featureNet, train.shape());
                    EvaluatorApp evaluator = EvaluatorApp.start(
                            evaluatorConfig(broker.bootstrapServers(), run, evalSamples), extractor, assets.reference);
                    SamplerService sampler = SamplerService.start(
                            samplerConfig(broker.bootstrapServers(), store, dev),
                            // batched on the CPU too: the demo needs throughput, not bytes independent of the batch
                            CheckpointModelLoader.forServing(dev, false, precision));
                    EvaluationDriver driver = new EvaluationDriver(
                                    clients,
                                    "ect-evaluation-driver",
                                    topics.checkpoints(),
                                    evaluationRequests,
                                    new EvaluationPlan(
                                            evalSamples, 64, 20_251_126L, SamplerSettings.DEFAULT_T_MID, true, heun))
                            .start();
                    LoadGenerator load = new LoadGenerator(clients, topics)) {
                int port = dashboard.start("127.0.0.1", dashboardPort);
                dashboardPortBound = port;
                System.out.println(
                        "dashboard: http://127.0.0.1:" + port + "/   (Kafka at " + broker.bootstrapServers() + ")");
                load.start(
                        usersAsk,
                        userRate,
                        userInFlight,
                        4,
                        () -> sampler.registry().current(usersAsk) != null);
                CompletableFuture<Void> teacherAnnounced =
                        announceTeacher(teacherEvent, servedRunId, dashboard, broker.bootstrapServers(), topics, runId);

                Path trainingConfig = config != null
                        ? config
                        : shipped(Path.of(fromScratch ? "configs/demo.yaml" : "configs/demo-tune.yaml"));
                List<String> args = new ArrayList<>(List.of(
                        "--config",
                        trainingConfig.toAbsolutePath().toString(),
                        "--run-dir",
                        store.resolve(runId).toString(),
                        "--bootstrap-servers",
                        broker.bootstrapServers()));
                args.addAll(device.asArguments());
                if (tf32) {
                    args.add("--tf32");
                }
                if (!fromScratch) {
                    args.addAll(List.of("--init", teacher.toAbsolutePath().toString()));
                }
                overrides.forEach(o -> args.addAll(List.of("--set", o)));
                int exit;
                // A stopped trainer resumes from its newest checkpoint: a rare divergence (see the trainer's guard)
                // costs
                // the steps since that checkpoint, not the demo.
                for (int attempt = 1; ; attempt++) {
                    try (TrainerProcess trainer = TrainerProcess.start(fromScratch ? "pipeline" : "train", args)) {
                        exit = trainer.waitFor();
                    }
                    if (exit == 0 || attempt == TRAINER_ATTEMPTS) {
                        break;
                    }
                    log.warn(
                            "trainer exited with code {}; restarting it from its newest checkpoint (attempt {} of {})",
                            exit,
                            attempt + 1,
                            TRAINER_ATTEMPTS);
                }
                if (exit != 0) {
                    System.err.println("training failed (exit " + exit + "); see the log above");
                    return exit;
                }
                teacherAnnounced.join();
                awaitLastEvaluation(dashboard, runId, Duration.ofSeconds(settleSeconds));
                JsonObject snapshot = dashboard.snapshot();
                String table = DemoReport.fidTable(snapshot);
                Files.writeString(
                        run.resolve("fid.md"),
                        "# FID per checkpoint (" + evalSamples + " samples, feature net " + extractor.id()
                                + ", reference " + assets.reference.id() + ")\n\n" + table);
                List<Path> grids = DemoReport.writeGrids(snapshot, run.resolve("samples"));
                System.out.println();
                System.out.println(table);
                System.out.println(
                        "results: " + run + " (fid.md, " + grids.size() + " sample grids in samples/, checkpoints/)");
                if (keepServing) {
                    System.out.println("serving on; dashboard http://127.0.0.1:" + port + "/ ; Ctrl-C stops");
                    Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
                    stopped.await();
                } else if (lingerSeconds > 0) {
                    stopped.await(lingerSeconds, java.util.concurrent.TimeUnit.SECONDS);
                }
                return 0;
            }
        }
    }

    /**
     * Announces the teacher once the served model has its FIDs (or {@link #SERVED_SCORED_FIRST} later): announced
     * together, the teacher's 35-evaluation Heun batches often went first and the served model's FID rows, the top of
     * the dashboard, came minutes late. The trainer does not wait for it: it reads the teacher from its file.
     */
    private static CompletableFuture<Void> announceTeacher(
            CheckpointEvent teacher,
            String servedRunId,
            DashboardServer dashboard,
            String bootstrapServers,
            Topics topics,
            String runId) {
        if (teacher == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + SERVED_SCORED_FIRST.toNanos();
            while (servedRunId != null
                    && !DemoReport.scored(dashboard.snapshot(), servedRunId)
                    && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            ShippedCheckpoint.announce(teacher, bootstrapServers, topics);
            log.info(
                    "teacher (run {} step {}, {} kimg) announced; tuning it as run {}",
                    teacher.getRunId(),
                    teacher.getStep(),
                    teacher.getImagesSeen() / 1000.0,
                    runId);
        });
    }

    /** Waits until every checkpoint of the run has its evaluation FIDs or the driver's reason why not. */
    private void awaitLastEvaluation(DashboardServer dashboard, String runId, Duration timeout)
            throws InterruptedException {
        List<Long> open = awaitSettled(dashboard, runId, timeout);
        if (!open.isEmpty()) {
            log.warn(
                    "no evaluation FID within {} s after training for steps {} of run {}; the table shows what arrived",
                    timeout.toSeconds(),
                    open,
                    runId);
        }
    }

    /** The run's checkpoints still without evaluation FIDs (or a reason) when they all have them or at the timeout. */
    private static List<Long> awaitSettled(DashboardServer dashboard, String runId, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Long> open = DemoReport.unsettled(dashboard.snapshot(), runId);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            open = DemoReport.unsettled(dashboard.snapshot(), runId);
        }
        return open;
    }

    /** A repository file named relative to the working folder, else to the repository the ./ectstream script runs from. */
    private static Path shipped(Path path) {
        String home = System.getProperty("ectstream.home");
        if (path.isAbsolute() || Files.exists(path) || home == null) {
            return path;
        }
        return Path.of(home).resolve(path);
    }

    /** The shipped feature network and reference statistics; without them, a net trained on the shipped subset (cached). */
    private EvaluatorAssets evaluatorAssets(ImageDataset train) throws Exception {
        if (Files.isRegularFile(featureNet) && Files.isRegularFile(referenceStats)) {
            return EvaluatorAssets.shipped(featureNet.toAbsolutePath(), referenceStats.toAbsolutePath());
        }
        log.info("no {} and {}: training a feature network on the shipped subset instead", featureNet, referenceStats);
        ImageDataset subset = Datasets.open(new DatasetSpec(
                DatasetKind.FASHION_MNIST,
                DatasetLocations.defaults().fashionMnistSubset(),
                Split.TRAIN,
                28,
                1,
                Fit.PAD));
        return EvaluatorAssets.prepare(cacheDir.toAbsolutePath(), LabeledImages.of(subset), train);
    }

    private EvaluatorConfig evaluatorConfig(String bootstrap, Path run, int evalSamples) {
        return new EvaluatorConfig(
                KafkaClientSettings.of(bootstrap),
                "ect-evaluator-demo",
                Topics.defaults(),
                new ReportSchedule(evalSamples, 0),
                EvaluatorConfig.DEFAULT_FEATURE_BATCH_SIZE,
                new EvaluatorConfig.Streams(
                        run.resolve("evaluator-state"), EvaluatorConfig.DEFAULT_MAX_MESSAGE_BYTES, Map.of()));
    }

    private static SamplerConfig samplerConfig(String bootstrap, Path store, Device dev) {
        SamplerConfig defaults = SamplerConfig.defaults(bootstrap, store);
        ServingLimits limits = defaults.limits();
        SamplerConfig demo = defaults.withHttp(defaults.http().withPort(0))
                .withLimits(new ServingLimits(limits.defaultDeadlineMs(), limits.maxQueuedUserCost(), RECENT_VERSIONS));
        return dev.isGpu()
                ? demo
                : demo.withBatching(defaults.batching()
                        .withSize(CPU_MAX_BATCH, defaults.batching().maxWaitMs()));
    }

    /** Ends --keep-serving or --linger-seconds early. */
    public void stop() {
        stopped.countDown();
    }

    /** The dashboard's port once it listens, else -1. */
    public int dashboardPort() {
        return dashboardPortBound;
    }
}
