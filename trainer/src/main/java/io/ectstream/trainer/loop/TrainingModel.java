package io.ectstream.trainer.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.HostTensor;
import io.ectstream.core.checkpoint.ParameterTensors;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.ect.Denoiser;
import io.ectstream.core.ect.Preconditioning.Mode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.core.network.SongUNet;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.optim.Adam;
import io.ectstream.trainer.optim.Ema;
import io.ectstream.trainer.optim.FlatParameters;
import io.ectstream.trainer.optim.Optimizer;
import io.ectstream.trainer.optim.RAdam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What training updates, all in one long-lived manager on the training device: the student network,
 * its EMA and the phase's optimizer. Everything a step allocates goes to the step's sub-manager.
 */
public final class TrainingModel implements AutoCloseable {
    private final NDManager manager;
    private final NetworkSpec spec;
    private final SongUNet net;
    private final Denoiser denoiser;
    private final FlatParameters parameters;
    private final Ema ema;
    private Optimizer optimizer;

    /** Builds the network on {@code device} with EDM's initialisation drawn from {@code initSeed}. */
    public TrainingModel(NetworkSpec spec, Device device, long initSeed) {
        this.manager = NDManager.newBaseManager(device);
        this.spec = spec;
        this.net = new SongUNet(spec);
        net.initialize(manager, initSeed);
        Map<String, NDArray> arrays = ParameterTensors.arrays(net);
        for (NDArray array : arrays.values()) {
            array.setRequiresGradient(true);
        }
        this.denoiser = new Denoiser(net);
        this.parameters = new FlatParameters(new ArrayList<>(arrays.keySet()), new ArrayList<>(arrays.values()));
        this.ema = new Ema(manager, parameters);
    }

    public NDManager manager() {
        return manager;
    }

    /** The network spec this model was built with (its dropout is the one training passes use). */
    public NetworkSpec spec() {
        return spec;
    }

    public SongUNet network() {
        return net;
    }

    public FlatParameters parameters() {
        return parameters;
    }

    public Ema ema() {
        return ema;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** A fresh optimizer for a phase (zero moments, step count 0). */
    public void newOptimizer(PhaseConfig phase) {
        var o = phase.optimizer();
        optimizer = "radam".equals(o.kind())
                ? new RAdam(manager, parameters.size(), o.beta1(), o.beta2(), o.eps())
                : new Adam(manager, parameters.size(), o.beta1(), o.beta2(), o.eps());
    }

    /** Replaces the optimizer (tests: one that records the gradient it is given). */
    void useOptimizer(Optimizer replacement) {
        optimizer = replacement;
    }

    /**
     * This replica becomes a copy of {@code source} (possibly on another device): student weights, optimizer moments
     * and step count. The EMA is not copied: data-parallel training keeps it on the first replica only.
     */
    public void copyFrom(TrainingModel source) {
        try (NDManager scratch = source.manager.newSubManager()) {
            Device here = manager.getDevice();
            parameters.assign(source.parameters.flatValues(scratch).toDevice(here, true));
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : source.optimizer.state().entrySet()) {
                NDArray copy = e.getValue().toDevice(here, true);
                copy.attach(scratch);
                state.put(e.getKey(), copy);
            }
            optimizer.restore(state, source.optimizer.steps());
        }
    }

    /** D(x, sigma) in training mode with the given dropout masks; sigma [N, 1, 1, 1]. */
    public DenoiserPass pass(ParameterStore ps, DropoutMasks masks) {
        return (x, sigma) -> denoiser.denoise(ps, x, sigma.reshape(-1), true, Mode.TRAINING, masks);
    }

    /** The EMA weights by parameter name, as arrays owned by {@code scratch}. */
    public Map<String, NDArray> emaTensors(NDManager scratch) {
        NDArray flat = ema.flat().duplicate();
        flat.attach(scratch);
        List<NDArray> shaped = parameters.unflatten(flat);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < shaped.size(); i++) {
            out.put(parameters.names().get(i), shaped.get(i));
        }
        return out;
    }

    public Map<String, NDArray> studentTensors() {
        return ParameterTensors.arrays(net);
    }

    /** Overwrites the student's weights (in place, gradients stay attached). */
    public void loadStudent(Map<String, HostTensor> tensors) throws CheckpointException {
        ParameterTensors.load(net, manager, tensors);
    }

    /** Overwrites the EMA with the given weights (named as the student's parameters). */
    public void loadEma(Map<String, HostTensor> tensors) throws CheckpointException {
        try (NDManager scratch = manager.newSubManager()) {
            List<NDArray> rows = new ArrayList<>();
            for (String name : parameters.names()) {
                HostTensor tensor = tensors.get(name);
                if (tensor == null) {
                    throw new CheckpointException("checkpoint EMA lacks parameter " + name);
                }
                rows.add(tensor.toNDArray(scratch).reshape(-1));
            }
            if (rows.size() != tensors.size()) {
                throw new CheckpointException(
                        "checkpoint EMA holds " + tensors.size() + " tensors, the network has " + rows.size());
            }
            NDArray flat = NDArrays.concat(new NDList(rows));
            if (flat.size() != parameters.size()) {
                throw new CheckpointException(
                        "checkpoint EMA has " + flat.size() + " values, the network " + parameters.size());
            }
            ema.assign(flat);
        }
    }

    /** ECT's initialisation: student and EMA both become the given (teacher EMA) weights. */
    public void initFromEma(Map<String, HostTensor> teacherEma) throws CheckpointException {
        loadStudent(teacherEma);
        loadEma(teacherEma);
    }

    /** Student := EMA, in place (the pipeline's switch from pretraining to tuning). */
    public void studentFromEma() {
        parameters.assign(ema.flat());
    }

    /**
     * A new model of {@code other} (same weights, another dropout) on the same device whose student and EMA are
     * this model's EMA: the pipeline's switch to a tuning phase with its own dropout. No optimizer yet.
     */
    public TrainingModel rebuiltFromEma(NetworkSpec other) {
        if (!other.withDropout(0).equals(spec.withDropout(0))) {
            throw new IllegalArgumentException("only dropout may change between phases: " + spec + " vs " + other);
        }
        TrainingModel rebuilt = new TrainingModel(other, manager.getDevice(), 0);
        rebuilt.parameters.assign(ema.flat());
        rebuilt.ema.assign(ema.flat());
        return rebuilt;
    }

    @Override
    public void close() {
        manager.close();
    }
}
