package io.ectstream.trainer.cli;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointStore;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.TopicRole;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.trainer.publish.DuplicatePolicy;
import io.ectstream.trainer.publish.KafkaTrainingEvents;
import io.ectstream.trainer.publish.PublisherConfig;
import io.ectstream.trainer.publish.StoredCheckpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ectstream republish --run-dir DIR --bootstrap-servers HOST:PORT}: announces a run's checkpoint
 * files again (the files are the source of truth). With {@code --checkpoint FILE} instead, a checkpoint from
 * elsewhere (a shipped model) is first copied into the store at its run and step, then announced, so a running
 * sampler serves it at once. Exit code 0 when every readable checkpoint is on the topic, 1 when some could not be
 * delivered in time, 2 when some files could not be read.
 */
@Command(
        name = "republish",
        mixinStandardHelpOptions = true,
        description = "Announce the checkpoints of a run directory again on the checkpoints topic "
                + "(skipping those already announced with the same SHA-256, unless --all); or copy one checkpoint"
                + " (e.g. models/fashion-ect.ckpt) into the store and announce it, so that samplers serve it.")
public class RepublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--run-dir", description = "The run's folder in the checkpoint store: <root>/<runId>.")
    Path runDir;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description = "Instead of --run-dir: copy this checkpoint into the store as <root>/<runId>/step-<step>.ckpt"
                    + " (run and step from its header; an identical file there is reused, a different one refused),"
                    + " then announce it.")
    Path checkpoint;

    @Option(
            names = "--store-root",
            description = "Checkpoint store root the event URIs are relative to (default: the parent of --run-dir;"
                    + " with --checkpoint the sampler's default store, " + CheckpointStore.DEFAULT_ROOT + ").")
    Path storeRoot;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    RecordFormatOptions records = new RecordFormatOptions();

    @Option(
            names = "--checkpoints-topic",
            defaultValue = "ect.checkpoints",
            description = "Topic (default ${DEFAULT-VALUE}).")
    String checkpointsTopic;

    @Option(names = "--all", description = "Announce every checkpoint, also those already on the topic.")
    boolean all;

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            description = "How long to wait for Kafka to take the events, e.g. 30s or 2m (default ${DEFAULT-VALUE}).")
    String timeout;

    public RepublishCommand() {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if ((runDir == null) == (checkpoint == null)) {
            throw new ParameterException(spec.commandLine(), "give either --run-dir or --checkpoint");
        }
        if (checkpoint != null) {
            Path root = storeRoot != null ? storeRoot : Path.of(CheckpointStore.DEFAULT_ROOT);
            try {
                runDir = StoredCheckpoints.copyIntoStore(root, checkpoint).getParent();
            } catch (CheckpointException | IOException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            storeRoot = root;
        }
        Path root = storeRoot != null
                ? storeRoot
                : runDir.toAbsolutePath().normalize().getParent();
        StoredCheckpoints.Scan scan = StoredCheckpoints.scan(root, runDir);
        scan.problems().forEach(problem -> spec.commandLine().getErr().println("unreadable checkpoint: " + problem));
        Topics defaults = Topics.defaults();
        Topics topics = Topics.defaults().with(TopicRole.CHECKPOINTS, checkpointsTopic);
        Duration waitFor;
        try {
            waitFor = parseDuration(timeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
        }
        PublisherConfig config = PublisherConfig.of(kafka.settings())
                .withTopics(topics)
                .withQueueBound(Math.max(
                        PublisherConfig.DEFAULT_QUEUE_BOUND, scan.events().size()))
                .withOutageWarningAfter(Duration.ofSeconds(5))
                .withCloseTimeout(waitFor)
                .withRecords(records.recordFormat());
        long delivered;
        long skipped;
        try (KafkaTrainingEvents events = new KafkaTrainingEvents(
                config, all ? DuplicatePolicy.ANNOUNCE_ALWAYS : DuplicatePolicy.SKIP_ANNOUNCED)) {
            for (CheckpointEvent event : scan.events()) {
                events.checkpointWritten(event);
            }
            events.close();
            delivered = events.delivered();
            skipped = events.skippedDuplicates();
        }
        out.printf(
                "republish %s: %d checkpoints found, %d announced, %d already announced, %d unreadable%n",
                runDir,
                scan.events().size(),
                delivered,
                skipped,
                scan.problems().size());
        out.flush();
        if (delivered + skipped < scan.events().size()) {
            return 1;
        }
        return scan.problems().isEmpty() ? 0 : 2;
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 500ms, 30s, 2m)");
        }
    }
}
