package io.ectstream.trainer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.checkpoint.ParameterTensors;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.GaussianNoise;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code denoise} (hidden, for checking other implementations): D(x, sigma) of a checkpoint's EMA weights in
 * the sampling preconditioning, on the CPU in float32, for x = sigma * noise(seed), one image per (seed, sigma).
 */
@Command(
        name = "denoise",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = {
            "Write D(x, sigma) of a checkpoint's EMA weights (sampling preconditioning, CPU, float32) for",
            "x = sigma * noise(seed), one image per (seed, sigma) pair, seeds outer, to an .npz file holding",
            "x [N, C, H, W], sigma [N] and d [N, C, H, W] (numpy.load reads it)."
        })
public class DenoiseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "checkpoint (verified first)")
    Path checkpoint;

    @Option(
            names = "--seed",
            split = ",",
            paramLabel = "SEED",
            description = "noise seeds (GaussianNoise streams), default 1,2")
    List<Long> seeds = List.of(1L, 2L);

    @Option(
            names = "--sigma",
            split = ",",
            paramLabel = "SIGMA",
            description = "noise levels, each > 0.003, default 80,2.5,0.2")
    List<Double> sigmas = List.of(80.0, 2.5, 0.2);

    @Option(names = "--out", required = true, paramLabel = "FILE", description = ".npz file to write")
    Path out;

    public DenoiseCommand() {}

    @Override
    public Integer call() throws Exception {
        LoadedCheckpoint loaded;
        try {
            if (sigmas.isEmpty() || seeds.isEmpty() || sigmas.stream().anyMatch(s -> !(s > 0.003))) {
                throw new IllegalArgumentException("need at least one seed and one sigma, every sigma > 0.003");
            }
            loaded = CheckpointReader.read(checkpoint, null, Set.of(CheckpointFormat.GROUP_EMA));
        } catch (CheckpointException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        NetworkSpec network = loaded.metadata().network();
        int c = network.inChannels();
        int r = network.imgResolution();
        int pixels = c * r * r;
        int n = seeds.size() * sigmas.size();
        float[] x = new float[n * pixels];
        float[] sigma = new float[n];
        int i = 0;
        for (long seed : seeds) {
            double[] noise = GaussianNoise.stream(seed, pixels);
            for (double s : sigmas) {
                for (int p = 0; p < pixels; p++) {
                    x[i * pixels + p] = (float) (s * noise[p]);
                }
                sigma[i++] = (float) s;
            }
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            SongUNet net = new SongUNet(network);
            ParameterTensors.load(net, manager, loaded.group(CheckpointFormat.GROUP_EMA));
            NDArray xs = manager.create(x, new Shape(n, c, r, r));
            NDArray ss = manager.create(sigma);
            NDArray d =
                    new Denoiser(net).denoise(new ParameterStore(manager, false), xs, ss, false, Mode.SAMPLING, null);
            xs.setName("x");
            ss.setName("sigma");
            d.setName("d");
            try (OutputStream stream = Files.newOutputStream(out)) {
                new NDList(xs, ss, d).encode(stream, NDList.Encoding.NPZ);
            }
        }
        spec.commandLine().getOut().printf("%s: D(x, sigma) of %d images%n", out, n);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
