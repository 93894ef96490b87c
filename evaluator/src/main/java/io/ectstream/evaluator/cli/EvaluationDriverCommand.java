package io.ectstream.evaluator.cli;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.driver.Backfill;
import io.ectstream.evaluator.driver.DriverConfig;
import io.ectstream.evaluator.driver.EvaluationDriver;
import io.ectstream.evaluator.driver.EvaluationPlan;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.platform.ops.OpsOptions;
import io.ectstream.platform.ops.ServiceLifecycle;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ectstream evaluation-driver}: requests the evaluation samples of every new checkpoint until interrupted. */
@Command(
        name = "evaluation-driver",
        mixinStandardHelpOptions = true,
        description = {
            "On every checkpoint event, asks the sampler (through Kafka) for N evaluation samples of that exact",
            "model version, on the same seeds for every checkpoint: ECT 1- and 2-step for tuned checkpoints, EDM Heun",
            "(35 evaluations) for pretraining ones. Run `evaluate --report-every N` to score them.",
            "With --backfill --run RUN: score the run's checkpoints that have no FID yet, then exit."
        })
public class EvaluationDriverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private static final Topics TOPICS = Topics.defaults();

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecordFormatOptions records;

    @Mixin
    OpsOptions ops;

    @Option(
            names = "--group-id",
            defaultValue = "ect-evaluation-driver",
            description = "Consumer group over the checkpoints (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--checkpoints-topic", description = "Default: ect.checkpoints.")
    String checkpointsTopic = TOPICS.checkpoints();

    @Option(
            names = "--evaluation-requests-topic",
            defaultValue = Topics.DEFAULT_EVALUATION_REQUESTS,
            description = {
                "Where the evaluation requests go: a topic only this driver may write (ACLs); the sampler marks",
                "what it reads there EVALUATION (default ${DEFAULT-VALUE})."
            })
    String evaluationRequestsTopic;

    @Option(
            names = "--errors-topic",
            description = "Where the sampler reports rejected requests (default: ect.generate.errors).")
    String errorsTopic = TOPICS.errors();

    @Option(names = "--run", description = "With --backfill: the training run whose history to complete.")
    String run;

    @Option(
            names = "--backfill",
            description = {
                "Complete a run's history and exit: read the checkpoints topic from its beginning and request the samples",
                "of every checkpoint of --run (superseded ones too) that has no evaluation FID on --fid-topic yet."
            })
    boolean backfill;

    @Option(names = "--fid-topic", description = "With --backfill: where the FIDs are (default: ect.eval.fid).")
    String fidTopic = TOPICS.fid();

    @Option(
            names = "--samples",
            defaultValue = "10000",
            description = "N: samples per checkpoint and sampler (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(
            names = "--request-images",
            defaultValue = "250",
            description = "Images per request, at most the sampler's --max-images (default ${DEFAULT-VALUE}).")
    int requestImages;

    @Option(
            names = "--seed",
            defaultValue = "20251126",
            description = "Seed of request 0; request c uses seed + c (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--t-mid",
            defaultValue = "" + SamplerSettings.DEFAULT_T_MID,
            description = "tMid of 2-step sampling (default ${DEFAULT-VALUE}).")
    double tMid;

    @Option(
            names = "--teacher-few-step",
            description = "Also score pretraining checkpoints with 1- and 2-step sampling.")
    boolean teacherFewStep;

    @Option(
            names = "--teacher-heun",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Score pretraining checkpoints with EDM's Heun sampler, 35 evaluations per image (default ${DEFAULT-VALUE}).")
    boolean teacherHeun;

    @Option(
            names = "--retry-delay-ms",
            defaultValue = "500",
            description =
                    "Wait before re-sending a request for a checkpoint the sampler has not loaded yet; doubled per re-send (default ${DEFAULT-VALUE}).")
    long retryDelayMs;

    @Option(
            names = "--retry-window-s",
            defaultValue = "120",
            description =
                    "Stop re-sending this long after the first send and end the checkpoint's evaluation (default ${DEFAULT-VALUE}).")
    long retryWindowS;

    EvaluationPlan plan() {
        return new EvaluationPlan(samples, requestImages, seed, tMid, teacherFewStep, teacherHeun);
    }

    /** Requests what the run lacks, waits out the rejections and retries, and returns. */
    private int backfill(EvaluationPlan plan, DriverConfig config) throws Exception {
        var clients = kafka.settings();
        Backfill missing = Backfill.read(clients, fidTopic, run, Duration.ofSeconds(60));
        try (EvaluationDriver driver = new EvaluationDriver(clients, config, plan, missing).start()) {
            driver.finished().get();
            spec.commandLine()
                    .getOut()
                    .printf(
                            "backfill of run %s: %d checkpoints requested, %d could not be evaluated"
                                    + " (see fid-history --run %s)%n",
                            run, driver.evaluatedCheckpoints(), driver.endedEvaluations(), run);
        }
        return 0;
    }

    DriverConfig driverConfig() {
        return new DriverConfig(
                groupId,
                Topics.defaults()
                        .with(TopicRole.CHECKPOINTS, checkpointsTopic)
                        .with(TopicRole.EVALUATION_REQUESTS, evaluationRequestsTopic)
                        .with(TopicRole.ERRORS, errorsTopic)
                        .with(TopicRole.FID, fidTopic),
                Duration.ofMillis(retryDelayMs),
                Duration.ofSeconds(retryWindowS),
                records.recordFormat());
    }

    @Override
    public Integer call() throws Exception {
        EvaluationPlan plan = plan();
        DriverConfig config = driverConfig();
        if (backfill != (run != null)) {
            throw new ParameterException(spec.commandLine(), "--backfill and --run go together");
        }
        if (backfill) {
            return backfill(plan, config);
        }
        try (ServiceLifecycle life =
                        ops.lifecycle("evaluation-driver").withShutdownHook().watchKafka(kafka.settings());
                EvaluationDriver driver = new EvaluationDriver(kafka.settings(), config, plan).start()) {
            driver.bindMetrics(life.metrics());
            life.readyWhen(driver::running);
            life.awaitShutdownRequest();
        }
        return 0;
    }
}
