package io.ectstream.fidtools.score;

import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointMetadata;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.image.ImageCodec;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.features.ImageBatch;
import io.ectstream.evaluator.fid.FrechetDistance;
import io.ectstream.evaluator.fid.GaussianStatistics;
import io.ectstream.evaluator.fid.Moments;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.evaluator.stream.FidTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline FID of one checkpoint: loads the weights its loader is built for (EMA, or the student's for
 * {@code score --weights student}) once, then per sampler generates N images in batches
 * (image i from seed S + i), streams their features into {@link Moments} (no image is kept beyond its batch,
 * except the first 64 for the grid) and compares them with the reference statistics.
 */
public final class CheckpointScorer {
    private static final Logger log = LoggerFactory.getLogger(CheckpointScorer.class);
    static final int GRID_COLUMNS = 8;
    static final int GRID_IMAGES = GRID_COLUMNS * GRID_COLUMNS;

    private final ModelLoader loader;
    private final FeatureExtractor extractor;
    private final ReferenceStatistics reference;
    private final FrechetDistance fid;
    private final String deviceName;
    private final long progressIntervalNanos;

    public CheckpointScorer(
            ModelLoader loader, FeatureExtractor extractor, ReferenceStatistics reference, String deviceName) {
        this(loader, extractor, reference, deviceName, ScoreProgress.DEFAULT_INTERVAL_NANOS);
    }

    CheckpointScorer(
            ModelLoader loader,
            FeatureExtractor extractor,
            ReferenceStatistics reference,
            String deviceName,
            long progressIntervalNanos) {
        FidTopology.checkCompatible(extractor, reference);
        this.loader = loader;
        this.extractor = extractor;
        this.reference = reference;
        this.fid = new FrechetDistance(reference.statistics());
        this.deviceName = deviceName;
        this.progressIntervalNanos = progressIntervalNanos;
    }

    /** Takes the results of one pass as soon as they are ready (the score command appends and prints them). */
    @FunctionalInterface
    public interface ResultSink {
        void accept(List<ScoreResult> results) throws IOException;
    }

    /** One result per sampler of the config, in its order. */
    public List<ScoreResult> score(ScoreConfig config) throws CheckpointException, IOException {
        List<ScoreResult> results = new ArrayList<>();
        score(List.of(config), results::addAll);
        return results;
    }

    /**
     * Every pass (e.g. one per t_mid) on one load of their common checkpoint: each pass's results, one per sampler
     * in its order, go to the sink before the next pass starts.
     */
    public void score(List<ScoreConfig> passes, ResultSink sink) throws CheckpointException, IOException {
        if (passes.isEmpty()) {
            throw new IllegalArgumentException("nothing to score: no pass");
        }
        Path file = passes.get(0).checkpoint();
        for (ScoreConfig pass : passes) {
            if (!pass.checkpoint().equals(file)) {
                throw new IllegalArgumentException(
                        "passes of one load score one checkpoint, not " + file + " and " + pass.checkpoint());
            }
        }
        CheckpointMetadata metadata = CheckpointReader.readMetadata(file);
        requireWeights(file, loader.weights());
        String sha256 = CheckpointReader.sha256Hex(file);
        // no expectation: the loader then checks the file against its own stored hash
        try (ImageGenerator generator = loader.load(file, null)) {
            for (ScoreConfig pass : passes) {
                List<ScoreResult> results = new ArrayList<>();
                for (ScoreSampler sampler : pass.samplers()) {
                    results.add(scoreOne(generator, metadata, sha256, sampler, pass));
                }
                sink.accept(results);
            }
        }
    }

    /** A clear refusal, before any work, of a file that lacks the weights asked for. */
    private static void requireWeights(Path file, String weights) throws CheckpointException {
        Set<String> groups = CheckpointReader.groups(file);
        if (!groups.contains(weights)) {
            throw new CheckpointException("checkpoint " + file + " holds no " + weights + " weights (its"
                    + " tensor groups: " + String.join(", ", groups) + "; files written by export-weights keep only"
                    + " the EMA): score a training checkpoint, or its EMA weights with --weights ema");
        }
    }

    private ScoreResult scoreOne(
            ImageGenerator generator,
            CheckpointMetadata metadata,
            String sha256,
            ScoreSampler sampler,
            ScoreConfig config)
            throws IOException {
        SamplerSettings settings = sampler.settings(config.tMid());
        String label = metadata.runId() + " step " + metadata.step() + " " + sampler.label()
                + (isEma() ? "" : " (" + loader.weights() + " weights)");
        ScoreProgress progress = new ScoreProgress(label, config.samples(), progressIntervalNanos, System::nanoTime);
        byte[][] gridImages = new byte[Math.min(GRID_IMAGES, config.samples())][];
        Moments moments = moments(
                generator,
                settings,
                config.samples(),
                config.seed(),
                config.batchSize(),
                extractor,
                gridImages,
                progress);
        double seconds = progress.elapsedSeconds();
        double value = fid.distance(GaussianStatistics.of(moments));
        if (config.gridDir() != null) {
            // 2-step grids at several t_mid values would otherwise overwrite each other
            String tMidLabel = sampler == ScoreSampler.ECT2 && config.tMid() != SamplerSettings.DEFAULT_T_MID
                    ? "-tmid" + config.tMid()
                    : "";
            String gridLabel = sampler.label() + tMidLabel + (isEma() ? "" : "-" + loader.weights());
            writeGrid(config.gridDir(), metadata, gridLabel, gridImages, generator.shape());
        }
        ScoreResult result = new ScoreResult(
                metadata.runId(),
                metadata.step(),
                metadata.imagesSeen(),
                metadata.phase().name(),
                metadata.ectStage(),
                sha256,
                loader.weights(),
                sampler.label(),
                settings.networkEvaluations(),
                moments.count(),
                config.seed(),
                config.tMid(),
                value,
                extractor.id(),
                reference.id(),
                seconds,
                moments.count() / Math.max(seconds, 1e-9),
                deviceName);
        log.info(
                "{}: FID {} over {} samples in {} s ({} images/s)",
                label,
                String.format(Locale.ROOT, "%.4f", value),
                moments.count(),
                String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%.1f", result.imagesPerSecond()));
        return result;
    }

    /**
     * Feature moments of images seed, seed + 1, ..., seed + samples - 1, generated batch by batch.
     * @param firstImages filled with the first firstImages.length images
     */
    static Moments moments(
            ImageGenerator generator,
            SamplerSettings settings,
            int samples,
            long seed,
            int batchSize,
            FeatureExtractor extractor,
            byte[][] firstImages,
            ScoreProgress progress) {
        Moments moments = new Moments(extractor.dimension());
        ImageShape shape = generator.shape();
        for (int start = 0; start < samples; start += batchSize) {
            int count = Math.min(batchSize, samples - start);
            long[] seeds = new long[count];
            for (int i = 0; i < count; i++) {
                seeds[i] = seed + start + i;
            }
            byte[][] images = generator.generate(seeds, settings);
            for (int i = 0; i < count && start + i < firstImages.length; i++) {
                firstImages[start + i] = images[i];
            }
            moments.addAll(extractor.extract(ImageBatch.of(shape, Arrays.asList(images))));
            progress.update(start + count);
        }
        return moments;
    }

    /** The grid's file name: {@code <runId>-step<step, 9 digits>-<sampler>.png}, as the demo report names its grids. */
    public static String gridFileName(String runId, long step, ScoreSampler sampler) {
        return gridFileName(runId, step, sampler.label());
    }

    /** {@code <runId>-step<step, 9 digits>-<label>.png}: the name of every sample grid the project writes. */
    public static String gridFileName(String runId, long step, String label) {
        return String.format(Locale.ROOT, "%s-step%09d-%s.png", runId, step, label);
    }

    /** Grids and log lines of the EMA keep the names they always had; the student's say so (ect2-student). */
    private boolean isEma() {
        return ScoreWeights.EMA.group().equals(loader.weights());
    }

    private static void writeGrid(
            Path dir, CheckpointMetadata metadata, String label, byte[][] images, ImageShape shape) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(gridFileName(metadata.runId(), metadata.step(), label));
        Files.write(file, ImageCodec.gridPng(images, shape, GRID_COLUMNS));
        log.info("wrote {}", file);
    }
}
