package io.ectstream.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.ectstream.core.device.GradMode;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.core.network.Scoped;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.ect.EctLoss;
import io.ectstream.trainer.ect.EdmLoss;
import io.ectstream.trainer.loop.RunPlan.Stretch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One data-parallel optimisation step over replicas of the network (the first one's EMA is the run's): the batch is
 * split into one equal shard per replica, in stream order; each replica runs loss and backward on its shard on its own
 * thread; the shard gradients, each divided by the replica count (the batch loss is the mean over all samples), are
 * summed and applied to every replica by {@link ReplicaUpdate}, so that the replicas stay equal.
 *
 * <p>Shard k draws its noise (and dropout masks) after reseeding the engine from (seed, step, k). libtorch has one
 * generator per device and reseeds all of them at once, so the seeded part (reseed, draws, forward passes) runs one
 * shard at a time; the backward passes, most of the work, run at once. On a GPU the forward kernels are queued, not
 * waited for, so the devices overlap anyway.
 */
public final class DataParallelStep implements StepRunner {
    private static final Object ENGINE_RANDOM = new Object();

    private final List<TrainingModel> replicas;
    private final DataFeed feed;
    private final long seed;
    private final double sigmaData;
    private final ReplicaUpdate update;
    private final ExecutorService threads;

    public DataParallelStep(List<TrainingModel> replicas, DataFeed feed, long seed, double sigmaData) {
        if (replicas.size() < 2) {
            throw new IllegalArgumentException("data-parallel training needs two replicas or more: " + replicas.size());
        }
        this.replicas = List.copyOf(replicas);
        this.feed = feed;
        this.seed = seed;
        this.sigmaData = sigmaData;
        this.update = new ReplicaUpdate(replicas);
        this.threads = Executors.newFixedThreadPool(replicas.size(), r -> {
            Thread t = new Thread(r, "data-parallel-replica");
            t.setDaemon(true);
            return t;
        });
    }

    /** The images per replica: the batch must divide evenly by the replica count. */
    public static int shardSize(int batch, int replicas) {
        if (batch % replicas != 0) {
            throw new IllegalArgumentException("batch " + batch + " does not divide evenly over " + replicas
                    + " devices: give a batch that is a multiple of " + replicas + " (--set <phase>.batch=N)");
        }
        return batch / replicas;
    }

    /** Runs global step {@code step} of {@code stretch}; what it returns is owned by the first replica's manager. */
    @Override
    public Outcome run(Stretch stretch, long step, long imagesSeen) {
        PhaseConfig phase = stretch.config();
        int n = replicas.size();
        int shard = shardSize(phase.batch(), n);
        long iteration = step - stretch.startStep();
        long phaseImages = iteration * phase.batch();
        NDManager[] managers = new NDManager[n];
        try {
            NDArray[] shards = new NDArray[n];
            for (int k = 0; k < n; k++) {
                managers[k] = replicas.get(k).manager().newSubManager();
                shards[k] = feed.batch(managers[k], imagesSeen + (long) k * shard, shard);
            }
            List<Future<NDArray>> losses = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int replica = k;
                losses.add(threads.submit(
                        () -> shardLoss(stretch, iteration, step, replica, managers[replica], shards[replica])));
            }
            NDArray[] gradients = new NDArray[n];
            NDArray total = null;
            for (int k = 0; k < n; k++) {
                NDArray loss = await(losses.get(k));
                NDArray here = loss.toDevice(managers[0].getDevice(), true);
                here.attach(managers[0]);
                total = total == null ? here : total.add(here);
                gradients[k] = shardGradient(replicas.get(k), managers[k], n);
            }
            NDArray replaced;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                replaced = Scoped.release(
                        update.apply(gradients, managers, phase.optimizer().lrAt(phaseImages)));
            }
            TrainingModel first = replicas.get(0);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                first.ema().update(first.parameters(), managers[0], phase.ema().betaAt(phase.batch(), phaseImages));
            }
            for (int k = 0; k < n; k++) {
                replicas.get(k).parameters().zeroGradients(managers[k]);
            }
            NDArray mean = total.div(n);
            mean.attach(first.manager());
            replaced.attach(first.manager());
            return new Outcome(mean, replaced);
        } finally {
            for (NDManager m : managers) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }

    /** A replica's flat gradient divided by the replica count: the replicas' sum is then the full batch's mean. */
    static NDArray shardGradient(TrainingModel replica, NDManager stepManager, int replicas) {
        return replica.parameters().flatGradients(stepManager).divi(replicas);
    }

    /** Loss and backward of one shard on the calling thread; returns the shard's mean loss (no graph). */
    private NDArray shardLoss(Stretch stretch, long iteration, long step, int k, NDManager manager, NDArray x) {
        PhaseConfig phase = stretch.config();
        DenoiserPass pass = replicas.get(k).pass(new ParameterStore(manager, false), new DropoutMasks());
        NDArray loss;
        try (GradMode recording = GradMode.enabled()) {
            if (stretch.phase() == Phase.ECT) {
                EctLoss ect = new EctLoss(phase.schedule(), phase.c());
                EctLoss.Draw draw;
                NDArray target;
                synchronized (ENGINE_RANDOM) {
                    Engine.getInstance().setRandomSeed(StepSeeds.forShard(seed, step, k));
                    draw = ect.draw(manager, x, phase.schedule().stage(iteration));
                    try (GradMode off = GradMode.disabled()) {
                        target = Scoped.keep(() -> ect.target(draw, pass));
                    }
                }
                loss = Scoped.keep(() -> ect.perSample(draw, target, pass).mean());
                backward(loss);
                target.close();
            } else {
                EdmLoss edm = new EdmLoss(phase.pMean(), phase.pStd(), sigmaData);
                synchronized (ENGINE_RANDOM) {
                    Engine.getInstance().setRandomSeed(StepSeeds.forShard(seed, step, k));
                    loss = Scoped.keep(() -> edm.perSample(manager, x, pass).mean());
                }
                backward(loss);
            }
        }
        return loss.stopGradient();
    }

    /** What DJL's GradientCollector#backward does, which allows only one collector per process at a time. */
    static void backward(NDArray loss) {
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
        }
    }

    private static NDArray await(Future<NDArray> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a data-parallel step", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
