package io.ectstream.sampler.cli;

import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Devices;
import io.ectstream.core.image.CaptionedGrid;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.NoiseSeeds;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.SampleCaption;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.platform.kafka.KafkaClientSettings;
import io.ectstream.platform.kafka.KafkaOptions;
import io.ectstream.platform.kafka.RecordFormatOptions;
import io.ectstream.platform.kafka.Topics;
import io.ectstream.sampler.client.GenerationClient;
import io.ectstream.sampler.client.NoAnswerException;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.records.GenerationRequests;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ectstream generate}: asks the sampler for images over Kafka (or, with {@code --checkpoint}, samples a
 * checkpoint file in this process) and writes the PNGs, and with {@code --grid} one captioned grid of them.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Send a GenerationRequest over Kafka and write the returned images as PNG files (--out) and as one"
                    + " captioned grid (--grid).",
            "With --checkpoint FILE, sample that checkpoint here instead, without Kafka: the same seed gives the"
                    + " same images as a CPU sampler serving it."
        })
public class GenerateCommand implements Callable<Integer> {
    /** Exit status when no answer came within --timeout-s. */
    public static final int NO_ANSWER = 4;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--count",
            defaultValue = "64",
            description = "Number of images (default ${DEFAULT-VALUE}: one 8 x 8 grid).")
    int count;

    @Option(
            names = "--steps",
            defaultValue = "1",
            description = "1 or 2 network evaluations per image (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", description = "Folder for the PNG files, one per image (created if missing).")
    Path out;

    @Option(
            names = "--grid",
            paramLabel = "FILE",
            description = "Also (or instead of --out) write the images as one PNG grid, 8 per row, pixels doubled,"
                    + " captioned with run, step, sampler and network evaluations (NFE).")
    Path grid;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description = "Sample this checkpoint file (its EMA weights) here, on --device, instead of asking a"
                    + " sampler over Kafka; no broker needed.")
    Path checkpoint;

    @Mixin
    DeviceOptions device = new DeviceOptions();

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

    /** The images of one model version, as PNG files, and what made them. */
    private record Samples(String runId, long step, int networkEvaluations, ImageShape shape, List<byte[]> pngs) {}

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be >= 1");
        }
        if (out == null && grid == null) {
            throw new ParameterException(spec.commandLine(), "give --out FOLDER, --grid FILE or both");
        }
        if (checkpoint != null && (run != null || step != null || replyTopic != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--checkpoint samples a file here; --run, --step and --reply-topic name a model served over Kafka");
        }
        long requestSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        Samples samples;
        try {
            samples = checkpoint != null ? sampleCheckpoint(requestSeed) : askSampler(requestSeed);
        } catch (NotAnswered e) {
            spec.commandLine().getErr().println(e.getMessage());
            return e.status;
        }
        if (out != null) {
            Files.createDirectories(out);
            for (int i = 0; i < samples.pngs().size(); i++) {
                Files.write(
                        out.resolve(String.format("image-%05d.png", i)),
                        samples.pngs().get(i));
            }
            System.out.println(samples.pngs().size() + " PNG files in " + out.toAbsolutePath());
        }
        if (grid != null) {
            byte[][] images = samples.pngs().stream()
                    .map(png -> ImageCodec.fromPng(png, samples.shape().channels()))
                    .toArray(byte[][]::new);
            String caption =
                    SampleCaption.of(samples.runId(), samples.step(), SamplerKind.ECT, samples.networkEvaluations());
            Path parent = grid.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(grid, CaptionedGrid.png(images, samples.shape(), caption));
            System.out.println("grid of " + images.length + " images (" + caption + ") in " + grid.toAbsolutePath());
        }
        return 0;
    }

    /** No images from the sampler: the one line to print and the exit status. */
    private static final class NotAnswered extends Exception {
        final int status;

        NotAnswered(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The images of {@code --checkpoint}, split into requests as {@link #askSampler} does, so seeds match. */
    private Samples sampleCheckpoint(long requestSeed) throws Exception {
        var metadata = CheckpointReader.readMetadata(checkpoint);
        SamplerSettings settings = SamplerSettings.ect(steps, tMid != null ? tMid : SamplerSettings.DEFAULT_T_MID);
        List<byte[]> pngs = new ArrayList<>();
        ImageShape shape;
        try (ImageGenerator generator = CheckpointModelLoader.forServing(Devices.select(device), null, Precision.FP32)
                .load(checkpoint, null)) {
            shape = generator.shape();
            for (int first = 0; first < count; first += perRequest) {
                int n = Math.min(perRequest, count - first);
                long partSeed = partSeed(requestSeed, first);
                for (byte[] image : generator.generate(NoiseSeeds.forImages(partSeed, 0, n), settings)) {
                    pngs.add(ImageCodec.toPng(image, shape));
                }
                System.out.printf("%d images from %s (seed %d)%n", n, checkpoint, partSeed);
            }
        }
        return new Samples(metadata.runId(), metadata.step(), settings.networkEvaluations(), shape, pngs);
    }

    /** Each further request gets its own seed derived from the given one, so a rerun repeats every image. */
    private static long partSeed(long requestSeed, int firstImage) {
        return firstImage == 0 ? requestSeed : requestSeed + firstImage;
    }

    /** The images from a sampler over Kafka. */
    private Samples askSampler(long requestSeed) throws Exception {
        Topics topics = Topics.defaults();
        KafkaClientSettings settings = kafka.settings();
        String runId = run != null
                ? run
                : GenerationClient.newestRun(settings, topics.checkpoints(), records.recordFormat())
                        .orElseThrow(() -> new IllegalStateException(
                                "no checkpoint on " + topics.checkpoints() + ": name one with --run"));
        List<byte[]> pngs = new ArrayList<>();
        GenerationResult any = null;
        try (GenerationClient client = new GenerationClient(settings, topics, replyTopic, records.recordFormat())) {
            for (int first = 0; first < count; first += perRequest) {
                int n = Math.min(perRequest, count - first);
                long partSeed = partSeed(requestSeed, first);
                GenerationRequest request = GenerationRequests.request(GenerationRequests.newId("cli"), runId, step)
                        .numImages(n)
                        .steps(steps)
                        .seed(partSeed)
                        .tMid(tMid)
                        .build(Instant.now());
                client.send(request);
                GenerationClient.Answer answer;
                try {
                    answer = client.await(request.getRequestId(), Duration.ofSeconds(timeoutSeconds));
                } catch (NoAnswerException e) {
                    throw new NotAnswered(
                            "error: " + e.getMessage() + ": is a sampler running and serving run " + runId
                                    + "? (wait longer with --timeout-s)",
                            NO_ANSWER);
                }
                if (!answer.ok()) {
                    throw new NotAnswered(
                            "request refused: " + answer.error().getCode() + ": "
                                    + answer.error().getReason(),
                            2);
                }
                byte[][] part = new byte[n][];
                for (GenerationResult chunk : answer.chunks()) {
                    for (int i = 0; i < chunk.getImages().size(); i++) {
                        part[chunk.getFirstImageIndex() + i] =
                                bytes(chunk.getImages().get(i));
                    }
                }
                pngs.addAll(List.of(part));
                any = answer.chunks().get(0);
                System.out.printf(
                        "%d images from %s@%d (seed %d)%n",
                        n,
                        any.getModelVersion().getRunId(),
                        any.getModelVersion().getStep(),
                        partSeed);
            }
        }
        return new Samples(
                any.getModelVersion().getRunId(),
                any.getModelVersion().getStep(),
                any.getNetworkEvaluations(),
                new ImageShape(any.getChannels(), any.getHeight(), any.getWidth()),
                pngs);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
