package io.ectstream.sampler.cli;

import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.sampler.client.GenerationClient;
import io.ectstream.sampler.client.NoAnswerException;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.ImageFormat;
import io.ectstream.schemas.ModelSelector;
import io.ectstream.schemas.topics.TopicNames;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ectstream generate}: asks the sampler for images over Kafka and writes the PNGs it gets back. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Send a GenerationRequest over Kafka and write the returned images as PNG files.")
public class GenerateCommand implements Callable<Integer> {
    /** Exit status when no answer came within --timeout-s. */
    public static final int NO_ANSWER = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", required = true, description = "Number of images.")
    int count;

    @Option(
            names = "--steps",
            defaultValue = "1",
            description = "1 or 2 network evaluations per image (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", required = true, description = "Folder for the PNG files (created if missing).")
    Path out;

    @Option(
            names = "--run",
            description = "Training run to sample from (default: the run of the newest checkpoint on the topic).")
    String run;

    @Option(names = "--step", description = "Exact checkpoint step (default: the run's latest loaded checkpoint).")
    Long step;

    @Option(names = "--seed", description = "Noise seed (default: random; the same seed gives the same images).")
    Long seed;

    @Option(
            names = "--t-mid",
            description = "Intermediate noise level of 2-step sampling (default: the sampler's, "
                    + SamplerSettings.DEFAULT_T_MID + ").")
    Double tMid;

    @Option(
            names = "--per-request",
            defaultValue = "256",
            description = "Images per request; larger counts are split (default ${DEFAULT-VALUE}).")
    int perRequest;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecordFormatOptions records;

    @Option(
            names = "--reply-topic",
            description = "Topic for the results (default: the sampler's results topic); it must exist and"
                    + " the sampler must allow it (serve --reply-topic-prefix, default ect.results.).")
    String replyTopic;

    @Option(
            names = "--timeout-s",
            defaultValue = "120",
            description = "How long to wait for each request's images; without them it exits with status 4"
                    + " (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be >= 1");
        }
        TopicNames topics = TopicNames.defaults();
        KafkaClientSettings settings = kafka.settings();
        String runId = run != null
                ? run
                : GenerationClient.newestRun(settings.clientProperties(), topics.checkpoints(), records.recordFormat())
                        .orElseThrow(() -> new IllegalStateException(
                                "no checkpoint on " + topics.checkpoints() + ": name one with --run"));
        long requestSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        Files.createDirectories(out);
        int written = 0;
        try (GenerationClient client =
                new GenerationClient(settings.clientProperties(), topics, replyTopic, records.recordFormat())) {
            for (int first = 0; first < count; first += perRequest) {
                int n = Math.min(perRequest, count - first);
                // Each further request gets its own seed derived from the given one, so a rerun repeats every file.
                long partSeed = first == 0 ? requestSeed : requestSeed + first;
                GenerationRequest request = GenerationRequest.newBuilder()
                        .setRequestId("cli-" + UUID.randomUUID())
                        .setModel(new ModelSelector(runId, step))
                        .setNumImages(n)
                        .setSteps(steps)
                        .setSeed(partSeed)
                        .setTMid(tMid)
                        .setOutputFormat(ImageFormat.PNG)
                        .setCreatedAt(Instant.now())
                        .build();
                client.send(request);
                GenerationClient.Answer answer;
                try {
                    answer = client.await(request.getRequestId(), Duration.ofSeconds(timeoutSeconds));
                } catch (NoAnswerException e) {
                    spec.commandLine()
                            .getErr()
                            .println("error: " + e.getMessage() + ": is a sampler running and serving run " + runId
                                    + "? (wait longer with --timeout-s)");
                    return NO_ANSWER;
                }
                if (!answer.ok()) {
                    spec.commandLine()
                            .getErr()
                            .println("request refused: " + answer.error().getCode() + ": "
                                    + answer.error().getReason());
                    return 2;
                }
                for (GenerationResult chunk : answer.chunks()) {
                    for (int i = 0; i < chunk.getImages().size(); i++) {
                        ByteBuffer png = chunk.getImages().get(i).duplicate();
                        byte[] bytes = new byte[png.remaining()];
                        png.get(bytes);
                        Files.write(
                                out.resolve(String.format("image-%05d.png", first + chunk.getFirstImageIndex() + i)),
                                bytes);
                        written++;
                    }
                }
                GenerationResult any = answer.chunks().get(0);
                System.out.printf(
                        "%d images from %s@%d (seed %d)%n",
                        n,
                        any.getModelVersion().getRunId(),
                        any.getModelVersion().getStep(),
                        partSeed);
            }
        }
        System.out.println(written + " PNG files in " + out.toAbsolutePath());
        return 0;
    }
}
