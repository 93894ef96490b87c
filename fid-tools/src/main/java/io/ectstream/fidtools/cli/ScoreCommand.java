package io.ectstream.fidtools.cli;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointModelLoader;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.ModelLoader;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.device.DeviceOptions;
import io.ectstream.core.device.Devices;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.core.sampling.Precision;
import io.ectstream.core.sampling.PrecisionConverter;
import io.ectstream.core.sampling.SamplerSettings;
import io.ectstream.evaluator.features.ExtractorSpec;
import io.ectstream.evaluator.features.FeatureExtractor;
import io.ectstream.evaluator.reference.ReferenceStatistics;
import io.ectstream.fidtools.score.CheckpointScorer;
import io.ectstream.fidtools.score.ScoreConfig;
import io.ectstream.fidtools.score.ScoreResult;
import io.ectstream.fidtools.score.ScoreResultsFile;
import io.ectstream.fidtools.score.ScoreSampler;
import io.ectstream.fidtools.score.ScoreWeights;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ectstream score}: the FID of checkpoints with N samples per sampler, offline (no Kafka). Several checkpoints,
 * weights and t_mid values are scored in one process (one engine start), every combination once; extra t_mid values
 * apply to 2-step sampling only.
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description =
                "Generates N images per sampler from each checkpoint (image i from seed S + i) and prints their FID"
                        + " against reference statistics; optionally writes sample grids and appends JSON lines to a results file.")
public class ScoreCommand implements Callable<Integer> {
    @Option(
            names = "--checkpoint",
            required = true,
            split = ",",
            description = "Checkpoint file (verified by its hashes before use); repeatable or comma-separated, each"
                    + " scored in turn by the same process.")
    List<Path> checkpoints;

    @Option(
            names = "--sampler",
            split = ",",
            defaultValue = "ect1,ect2",
            description =
                    "ect1, ect2 or heun (18 steps, 35 evaluations); repeatable or comma-separated (default ${DEFAULT-VALUE}).")
    List<String> samplers;

    @Option(names = "--samples", defaultValue = "10000", description = "Images per sampler (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "S: image i uses noise seed S + i (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--t-mid",
            split = ",",
            defaultValue = "" + SamplerSettings.DEFAULT_T_MID,
            description = "Intermediate noise level of 2-step ECT sampling; comma-separated values score ect2 once per"
                    + " value (default ${DEFAULT-VALUE}).")
    List<Double> tMids;

    @Option(
            names = "--batch-size",
            defaultValue = "250",
            description = "Images per generation batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--extractor",
            required = true,
            description = "feature-net:FILE, torchscript:FILE or random-projection:D[:SEED].")
    String extractor;

    @Option(
            names = "--reference-stats",
            required = true,
            description = "Reference statistics file (ectstream reference-stats).")
    Path referenceStats;

    @Option(
            names = "--weights",
            split = ",",
            defaultValue = "ema",
            paramLabel = "ema|student",
            description = "Which weights of the checkpoint generate: ema (what the sampler serves) or student (the raw"
                    + " weights, only in training checkpoints; export-weights files hold only the EMA)"
                    + "; ema,student scores both (default ${DEFAULT-VALUE}).")
    List<String> weights;

    @Option(names = "--grid-dir", description = "Writes an 8x8 grid of the first 64 images per sampler here.")
    Path gridDir;

    @Option(names = "--results", description = "Appends one JSON line per sampler to this file.")
    Path results;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            converter = PrecisionConverter.class,
            description = "What the network computes in: " + Precision.CHOICES + " (default ${DEFAULT-VALUE}).")
    Precision precision;

    @Spec
    CommandSpec spec;

    /**
     * The loader of the given weights group on the device. Batched forward passes: a few times faster than the
     * sampler's exact per-image mode, and just as reproducible for a given --batch-size (the two differ by ~1e-6
     * before quantisation). A seam for tests, which count the loads.
     */
    BiFunction<Device, String, ModelLoader> loaders =
            (selected, weights) -> new CheckpointModelLoader(selected, false, precision, weights);

    @Override
    public Integer call() throws Exception {
        List<ScoreSampler> parsed = new ArrayList<>();
        for (String s : samplers) {
            parsed.add(ScoreSampler.parse(s));
        }
        List<ScoreWeights> chosen = new ArrayList<>();
        try {
            for (String w : weights) {
                chosen.add(ScoreWeights.parse(w));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--weights: " + e.getMessage());
        }
        for (double tMid : tMids) {
            if (!(tMid > 0)) {
                throw new ParameterException(spec.commandLine(), "--t-mid must be positive, not " + tMid);
            }
        }
        List<ScoreResult> scored = new ArrayList<>();
        try {
            // the shape matters only to random-projection and torchscript extractors: take it from the checkpoint
            NetworkSpec network =
                    CheckpointReader.readMetadata(checkpoints.get(0)).network();
            ImageShape shape = new ImageShape(network.outChannels(), network.imgResolution(), network.imgResolution());
            ReferenceStatistics reference = ReferenceStatistics.read(referenceStats);
            Device selected = Devices.select(device);
            try (FeatureExtractor featureExtractor = ExtractorSpec.open(extractor, shape)) {
                for (Path checkpoint : checkpoints) {
                    for (ScoreWeights w : chosen) {
                        CheckpointScorer scorer = new CheckpointScorer(
                                loaders.apply(selected, w.group()), featureExtractor, reference, selected.toString());
                        List<ScoreConfig> passes = new ArrayList<>();
                        for (int i = 0; i < tMids.size(); i++) {
                            List<ScoreSampler> these = i == 0
                                    ? parsed
                                    : parsed.stream()
                                            .filter(p -> p == ScoreSampler.ECT2)
                                            .toList();
                            if (!these.isEmpty()) {
                                passes.add(new ScoreConfig(
                                        checkpoint, these, samples, seed, tMids.get(i), batchSize, gridDir));
                            }
                        }
                        // one load per checkpoint and weights, every t_mid on it
                        scorer.score(passes, one -> {
                            if (results != null) {
                                ScoreResultsFile.append(results, one);
                            }
                            print(one);
                            scored.addAll(one);
                        });
                    }
                }
            }
        } catch (CheckpointException e) {
            // a wrong or unsuitable file is the user's mistake: one line, no stack trace
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        return 0;
    }

    private void print(List<ScoreResult> scored) {
        PrintWriter out = spec.commandLine().getOut();
        for (ScoreResult r : scored) {
            out.printf(
                    java.util.Locale.ROOT,
                    "%s step %d (%d images seen) %s%s%s: FID %.4f, %d samples in %.1f s (%.1f images/s)%n",
                    r.runId(),
                    r.step(),
                    r.imagesSeen(),
                    r.sampler(),
                    tMids.size() > 1 && "ect2".equals(r.sampler()) ? " t_mid " + r.tMid() : "",
                    ScoreWeights.EMA.group().equals(r.weights()) ? "" : " (" + r.weights() + " weights)",
                    r.fid(),
                    r.samples(),
                    r.seconds(),
                    r.imagesPerSecond());
        }
        out.flush();
    }
}
