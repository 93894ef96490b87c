package io.ectstream.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ectstream.core.network.DropoutMasks;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.ect.DenoiserPass;
import io.ectstream.trainer.ect.EctLoss;
import io.ectstream.trainer.ect.EdmLoss;
import io.ectstream.trainer.loop.RunPlan.Stretch;
import java.util.HashSet;
import java.util.Set;

/**
 * One optimisation step of either phase, in its own sub-manager (closed at the end, STACK.md): batch,
 * engine reseeded from (seed, step), loss (ECT: target pass first, outside gradient recording, with the
 * masks the student pass then replays), backward, optimizer, EMA. Reads nothing back from the device.
 */
public final class TrainingStep {
    private final TrainingModel model;
    private final DataFeed feed;
    private final long seed;
    private final double sigmaData;

    public TrainingStep(TrainingModel model, DataFeed feed, long seed, double sigmaData) {
        this.model = model;
        this.feed = feed;
        this.seed = seed;
        this.sigmaData = sigmaData;
    }

    /** Runs global step {@code step} of {@code stretch}; returns the batch loss, owned by the model's manager. */
    public NDArray run(Stretch stretch, long step, long imagesSeen) {
        PhaseConfig phase = stretch.config();
        long iteration = step - stretch.startStep();
        long phaseImages = iteration * phase.batch();
        Set<String> before = managedUids();
        NDArray loss;
        try (NDManager stepManager = model.manager().newSubManager()) {
            NDArray x = feed.batch(stepManager, imagesSeen, phase.batch());
            Engine.getInstance().setRandomSeed(StepSeeds.forStep(seed, step));
            DenoiserPass pass = model.pass(new ParameterStore(stepManager, false), new DropoutMasks());
            if (stretch.phase() == Phase.ECT) {
                EctLoss ect = new EctLoss(phase.schedule(), phase.c());
                EctLoss.Draw draw = ect.draw(stepManager, x, phase.schedule().stage(iteration));
                NDArray target = ect.target(draw, pass);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    loss = ect.perSample(draw, target, pass).mean();
                    collector.backward(loss);
                }
            } else {
                EdmLoss edm = new EdmLoss(phase.pMean(), phase.pStd(), sigmaData);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    loss = edm.perSample(stepManager, x, pass).mean();
                    collector.backward(loss);
                }
            }
            model.optimizer().step(model.parameters(), stepManager, phase.optimizer().lrAt(phaseImages));
            model.ema().update(model.parameters(), stepManager, phase.ema().betaAt(phase.batch(), phaseImages));
            model.parameters().zeroGradients(stepManager);
            loss = loss.stopGradient();
            loss.attach(model.manager());
        }
        closeStrays(before, loss);
        return loss;
    }

    private Set<String> managedUids() {
        Set<String> uids = new HashSet<>();
        for (NDArray array : ((BaseNDManager) model.manager()).getManagedArrays()) {
            uids.add(array.getUid());
        }
        return uids;
    }

    /**
     * Closes what the step left in the long-lived manager (results of ops on parameters, such as a
     * reshaped GroupNorm scale, land in the parameters' manager), so that memory stays flat over a run.
     */
    private void closeStrays(Set<String> before, NDArray keep) {
        for (NDArray array : ((BaseNDManager) model.manager()).getManagedArrays()) {
            if (array != keep && !before.contains(array.getUid())) {
                array.close();
            }
        }
    }
}
