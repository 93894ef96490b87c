package io.ectstream.sampler.generate;

import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.sampler.batch.Batch;
import io.ectstream.sampler.batch.Chunk;
import io.ectstream.sampler.validate.ValidRequest;
import io.ectstream.schemas.GenerationRequest;
import io.ectstream.schemas.GenerationResult;
import io.ectstream.schemas.SamplerKind;
import io.ectstream.schemas.Timings;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch's forward pass on a generator thread, then encodes its images on an encoder thread
 * (never an event loop) and cuts them back into one GenerationResult per chunk. Encoding apart lets
 * the generator start the next batch while PNGs of the previous one are written.
 */
public final class BatchRunner {
    private final WorkerExecutor generators;
    private final WorkerExecutor encoders;

    public BatchRunner(WorkerExecutor generators, WorkerExecutor encoders) {
        this.generators = generators;
        this.encoders = encoders;
    }

    /** The batch's uint8 images (in seed order) and when and how long its forward pass ran. */
    public record Pixels(byte[][] images, long startedAtMillis, double generationMs) {}

    public Future<Pixels> forward(Batch batch) {
        return generators.executeBlocking(() -> forwardPass(batch), false);
    }

    /** The results of the batch's chunks, in the batch's chunk order. */
    public Future<BatchOutput> encode(Batch batch, Pixels pixels) {
        return encoders.executeBlocking(() -> results(batch, pixels), false);
    }

    /** What a batch produced, with the time its forward pass took. */
    public record BatchOutput(List<GenerationResult> results, double generationMs, int images) {}

    static Pixels forwardPass(Batch batch) {
        long started = System.currentTimeMillis();
        long t0 = System.nanoTime();
        byte[][] pixels = batch.key()
                .model()
                .generator()
                .generate(batch.seeds(), batch.key().settings());
        if (pixels.length != batch.images()) {
            throw new IllegalStateException(
                    "the generator returned " + pixels.length + " images for " + batch.images() + " seeds");
        }
        return new Pixels(pixels, started, (System.nanoTime() - t0) / 1e6);
    }

    static BatchOutput results(Batch batch, Pixels out) {
        byte[][] pixels = out.images();
        long started = out.startedAtMillis();
        double generationMs = out.generationMs();
        ImageGenerator generator = batch.key().model().generator();
        SamplerSettings settings = batch.key().settings();
        ImageShape shape = generator.shape();
        List<GenerationResult> results = new ArrayList<>(batch.chunks().size());
        int at = 0;
        for (Chunk chunk : batch.chunks()) {
            long e0 = System.nanoTime();
            ValidRequest valid = chunk.job().request();
            GenerationRequest request = valid.request();
            List<ByteBuffer> images = new ArrayList<>(chunk.count());
            for (int i = 0; i < chunk.count(); i++) {
                images.add(ImageEncoder.encode(pixels[at + i], shape, request.getOutputFormat()));
            }
            at += chunk.count();
            double encodeMs = (System.nanoTime() - e0) / 1e6;
            double queuedMs = Math.max(0, started - chunk.job().receivedAtMillis());
            long now = System.currentTimeMillis();
            results.add(GenerationResult.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setModelVersion(batch.key().model().version())
                    .setImages(images)
                    .setImageFormat(request.getOutputFormat())
                    .setChannels(shape.channels())
                    .setHeight(shape.height())
                    .setWidth(shape.width())
                    .setSeed(valid.seed())
                    .setNetworkEvaluations(settings.networkEvaluations())
                    .setTMid(settings.kind() == SamplerKind.ECT && settings.steps() == 2 ? settings.tMid() : null)
                    .setSampler(settings.kind())
                    .setPurpose(request.getPurpose())
                    .setChunkIndex(chunk.chunkIndex())
                    .setChunkCount(chunk.job().chunkCount())
                    .setFirstImageIndex(chunk.firstImageIndex())
                    .setTimings(new Timings(queuedMs, generationMs, encodeMs, (double)
                            Math.max(0, now - chunk.job().receivedAtMillis())))
                    .setCreatedAt(Instant.ofEpochMilli(now))
                    .build());
        }
        return new BatchOutput(results, generationMs, batch.images());
    }
}
