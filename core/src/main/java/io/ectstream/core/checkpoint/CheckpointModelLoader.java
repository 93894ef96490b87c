package io.ectstream.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.ectstream.core.network.SongUNet;
import io.ectstream.core.sampling.DenoiserImageGenerator;
import io.ectstream.core.sampling.ImageGenerator;
import io.ectstream.core.sampling.Precision;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a checkpoint, builds the SongUNet of its configuration and loads one group of its weights on a device:
 * the EMA weights (what serving and evaluation use) unless built for the student's ({@code score --weights}).
 */
public final class CheckpointModelLoader implements ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointModelLoader.class);

    private final Device device;
    private final boolean batchInvariant;
    private final Precision precision;
    private final String weights;

    /** Generators that honour batch invariance exactly (see {@link DenoiserImageGenerator}). */
    public CheckpointModelLoader(Device device) {
        this(device, true);
    }

    public CheckpointModelLoader(Device device, boolean batchInvariant) {
        this(device, batchInvariant, Precision.FP32);
    }

    /** {@code precision}: the type the loaded network computes in (its weights are cast once, at load). */
    public CheckpointModelLoader(Device device, boolean batchInvariant, Precision precision) {
        this(device, batchInvariant, precision, CheckpointFormat.GROUP_EMA);
    }

    /** {@code weights}: the tensor group to load, {@link CheckpointFormat#GROUP_EMA} or {@code GROUP_STUDENT}. */
    public CheckpointModelLoader(Device device, boolean batchInvariant, Precision precision, String weights) {
        if (!CheckpointFormat.GROUP_EMA.equals(weights) && !CheckpointFormat.GROUP_STUDENT.equals(weights)) {
            throw new IllegalArgumentException("weights must be the ema or student group, not " + weights);
        }
        this.device = device;
        this.batchInvariant = batchInvariant;
        this.precision = precision;
        this.weights = weights;
    }

    /**
     * The sampler's loader: batch-invariant when asked, else by default on the CPU (exact bytes at a small cost there)
     * and batched on a GPU, where running each image alone costs 15-25x in throughput.
     */
    public static CheckpointModelLoader forServing(Device device, Boolean batchInvariant, Precision precision) {
        boolean exact = batchInvariant != null ? batchInvariant : !device.isGpu();
        LOG.info(
                "serving on {}: {}{}",
                device,
                exact
                        ? "batch-invariant (each image through the network alone)"
                        : "batched (one forward pass per batch)",
                batchInvariant == null ? ", the default for this device" : "");
        return new CheckpointModelLoader(device, exact, precision);
    }

    @Override
    public String weights() {
        return weights;
    }

    public boolean batchInvariant() {
        return batchInvariant;
    }

    @Override
    public ImageGenerator load(Path checkpointFile, CheckpointExpectation expected) throws CheckpointException {
        LoadedCheckpoint checkpoint = CheckpointReader.read(checkpointFile, expected, Set.of(weights));
        SongUNet net = new SongUNet(checkpoint.metadata().network());
        NDManager manager = NDManager.newBaseManager(device);
        try {
            ParameterTensors.load(net, manager, checkpoint.finiteGroup(weights));
            net.toPrecision(manager, precision.dataType());
        } catch (CheckpointException | RuntimeException e) {
            manager.close();
            throw e;
        }
        LOG.info(
                "loaded {} weights of run {} step {} on {} ({})",
                weights,
                checkpoint.metadata().runId(),
                checkpoint.metadata().step(),
                device,
                precision.label());
        return new DenoiserImageGenerator(manager, net, batchInvariant);
    }
}
