package io.ectstream.trainer.cli;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.data.DatasetFormatException;
import io.ectstream.core.data.Datasets;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.device.Devices;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.platform.ops.OpsOptions;
import io.ectstream.platform.ops.ServiceLifecycle;
import io.ectstream.platform.ops.ServiceMetrics;
import io.ectstream.trainer.config.ConfigException;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.RunPlan;
import io.ectstream.trainer.loop.TrainingLoop;
import io.ectstream.trainer.publish.DuplicatePolicy;
import io.ectstream.trainer.publish.KafkaTrainingEvents;
import io.ectstream.trainer.publish.PublisherConfig;
import io.ectstream.trainer.publish.TrainingEvents;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Shared body of {@code train} and {@code pipeline}: load, open the data, run the loop, map errors to exit codes. */
abstract class TrainingCommandBase implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCommandBase.class);
    /** On /metrics as ect_trainer_gradient_nonfinite_values. */
    static final String NON_FINITE_GRADIENTS_METER = "ect.trainer.gradient.nonfinite.values";

    @Mixin
    RunOptions options = new RunOptions();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    RecordFormatOptions records = new RecordFormatOptions();

    @Mixin
    OpsOptions ops = new OpsOptions();

    @Option(
            names = "--checkpoints-topic",
            defaultValue = "ect.checkpoints",
            description = "Where checkpoints are announced when Kafka is given (--bootstrap-servers, --kafka-config or"
                    + " --kafka-property; none of them: no announcements) (default ${DEFAULT-VALUE})")
    String checkpointsTopic;

    @Option(names = "--progress-topic", defaultValue = "ect.train.progress", description = "(default ${DEFAULT-VALUE})")
    String progressTopic;

    private TrainingEvents events = TrainingEvents.NONE;
    private Consumer<ServiceLifecycle> whenReady = life -> {};

    /** Where checkpoints and progress are announced (the launcher wires the Kafka publisher in). */
    public void setEvents(TrainingEvents events) {
        this.events = events == null ? TrainingEvents.NONE : events;
    }

    /** Called on the command's thread once it is ready, before the first step (a test looks at /ready there). */
    void whenReady(Consumer<ServiceLifecycle> listener) {
        this.whenReady = listener;
    }

    abstract RunPlan plan(TrainingConfig config);

    Path initCheckpoint() {
        return null;
    }

    /** A Kafka publisher this command owns, when no events were given and Kafka settings were; else null. */
    private KafkaTrainingEvents ownPublisher(ServiceMetrics metrics) {
        if (events != TrainingEvents.NONE || !kafka.given()) {
            return null;
        }
        Topics defaults = Topics.defaults();
        Topics topics =
                Topics.defaults().with(TopicRole.CHECKPOINTS, checkpointsTopic).with(TopicRole.PROGRESS, progressTopic);
        return new KafkaTrainingEvents(
                PublisherConfig.of(kafka.settings()).withTopics(topics).withRecords(records.recordFormat()),
                DuplicatePolicy.SKIP_ANNOUNCED,
                metrics);
    }

    @Override
    public Integer call() {
        try {
            options.applyThreads();
            options.applyTf32();
            TrainingConfig config = options.load();
            RunPlan plan = plan(config);
            List<Device> devices = Devices.selectAll(options.device);
            ImageDataset dataset = Datasets.open(config.data().toSpec(config.network()));
            TrainingLoop.Result result;
            try (ServiceLifecycle life = ops.lifecycle("trainer").withShutdownHook()) {
                // no BrokerWatch: the publisher already says once per outage that the broker does not answer
                KafkaTrainingEvents owned = ownPublisher(life.metrics());
                try {
                    TrainingLoop loop = new TrainingLoop(
                                    config,
                                    plan,
                                    dataset,
                                    options.storeRoot(),
                                    devices,
                                    owned != null ? owned : events,
                                    initCheckpoint())
                            .stopWhen(life::shuttingDown);
                    Gauge.builder(NON_FINITE_GRADIENTS_METER, loop, TrainingLoop::nonFiniteGradientValues)
                            .description("Gradient values (NaN or infinite) the gradient guard replaced since the run"
                                    + " began, as of the last progress line")
                            .register(life.metrics().registry());
                    life.readyWhen(() -> true);
                    whenReady.accept(life);
                    result = loop.run();
                } finally {
                    if (owned != null) {
                        owned.close(); // delivers the announcements still queued, within its own bound
                    }
                }
            }
            if (result.step() < plan.totalSteps()) {
                LOG.info(
                        "run {} stopped at step {} on request; the same command resumes it from its last checkpoint",
                        config.runId(),
                        result.step());
                return 0;
            }
            LOG.info(
                    "run {} complete: {} steps, {} kimg, last checkpoint {}",
                    config.runId(),
                    result.step(),
                    result.imagesSeen() / 1000.0,
                    result.lastCheckpoint());
            return 0;
        } catch (ConfigException | IllegalArgumentException | DatasetFormatException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (CheckpointException | IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
