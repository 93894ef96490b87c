package io.ectstream.evaluator.cli;

import io.ectstream.evaluator.mirror.JsonMirror;
import io.ectstream.evaluator.mirror.MirroredTopic;
import io.ectstream.platform.cli.TopicOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.TopicRole;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ectstream mirror-json}: every platform topic copied to {@code <topic>.json} as plain JSON, until stopped. */
@Command(
        name = "mirror-json",
        mixinStandardHelpOptions = true,
        description = {
            "Copies every platform topic of Avro records (checkpoints, progress, requests, evaluation-requests,",
            "results, errors, fid) to <topic>.json: same key and timestamp, the value as plain JSON (base64 bytes,",
            "enums and timestamps as strings), for Kafka Connect's JsonConverter and tools that do not speak Avro.",
            "Exactly-once (Kafka Streams); creates the missing .json topics like their sources. Runs until stopped."
        })
public class MirrorJsonCommand implements Callable<Integer> {
    @Mixin
    TopicOptions topics = new TopicOptions();

    @Mixin
    RecordFormatOptions records = new RecordFormatOptions();

    @Option(
            names = "--application-id",
            description = "Kafka Streams application id: its consumer group and transactional id prefix"
                    + " (default ${DEFAULT-VALUE}).")
    String applicationId = JsonMirror.DEFAULT_APPLICATION_ID;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        List<MirroredTopic> mirrored = MirroredTopic.of(topics.layout());
        if (mirrored.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--only names no role with Avro records to mirror");
        }
        String errors = topics.allRoles().get(TopicRole.ERRORS).name();
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopRequested.countDown();
                            try {
                                closed.await(40, TimeUnit.SECONDS); // commit and leave the group
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "json-mirror-shutdown"));
        try (JsonMirror mirror =
                JsonMirror.start(topics.settings(), applicationId, mirrored, errors, records.recordFormat())) {
            stopRequested.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
