package io.ectstream.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
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

/**
 * One optimisation step of either phase, in its own sub-manager (closed at the end, so no step
 * leaks device memory into the next): batch,
 * engine reseeded from (seed, step), loss (ECT: target pass first, outside gradient recording, with the
 * masks the student pass then replays), backward, optimizer, EMA. Reads nothing back from the device.
 * Every pass, the optimizer and the EMA free their temporaries as they finish ({@link Scoped}, NDScope), so
 * that the step's peak memory is what autograd saves plus one pass's working set.
 */
public final class TrainingStep implements StepRunner {
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

    /** Runs global step {@code step} of {@code stretch}; what it returns is owned by the model's manager. */
    @Override
    public Outcome run(Stretch stretch, long step, long imagesSeen) {
        PhaseConfig phase = stretch.config();
        long iteration = step - stretch.startStep();
        long phaseImages = iteration * phase.batch();
        NDArray loss;
        NDArray replaced;
        try (NDManager stepManager = model.manager().newSubManager()) {
            NDArray x = feed.batch(stepManager, imagesSeen, phase.batch());
            Engine.getInstance().setRandomSeed(StepSeeds.forStep(seed, step));
            DenoiserPass pass = model.pass(new ParameterStore(stepManager, false), new DropoutMasks());
            if (stretch.phase() == Phase.ECT) {
                EctLoss ect = new EctLoss(phase.schedule(), phase.c());
                loss = ectBackward(
                        ect, ect.draw(stepManager, x, phase.schedule().stage(iteration)), pass);
            } else {
                EdmLoss edm = new EdmLoss(phase.pMean(), phase.pStd(), sigmaData);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    loss = Scoped.keep(() -> edm.perSample(stepManager, x, pass).mean());
                    collector.backward(loss);
                }
            }
            replaced = update(model, phase, stepManager, phaseImages);
            loss = loss.stopGradient();
            loss.attach(model.manager());
            replaced.attach(model.manager());
        }
        return new Outcome(loss, replaced);
    }

    /**
     * What follows the backward pass: the optimizer's step at the phase's learning rate, the EMA at its beta, the
     * gradients cleared for the next step. Returns how many gradient values the optimizer had to replace (non-finite).
     */
    public static NDArray update(TrainingModel model, PhaseConfig phase, NDManager stepManager, long phaseImages) {
        NDArray replaced;
        try (NDScope update = new NDScope()) {
            update.suppressNotUsedWarning();
            replaced = Scoped.release(model.optimizer()
                    .step(model.parameters(), stepManager, phase.optimizer().lrAt(phaseImages)));
        }
        try (NDScope update = new NDScope()) {
            update.suppressNotUsedWarning();
            model.ema().update(model.parameters(), stepManager, phase.ema().betaAt(phase.batch(), phaseImages));
        }
        model.parameters().zeroGradients(stepManager);
        return replaced;
    }

    /**
     * ECT's batch loss for one draw and its backward (the parameters' gradients accumulate): the target pass first,
     * outside gradient recording, then the student pass, which replays the target pass's dropout masks.
     */
    public static NDArray ectBackward(EctLoss ect, EctLoss.Draw draw, DenoiserPass pass) {
        NDArray target;
        // No graph for the target pass whatever this thread's grad mode; its activations die with it.
        try (GradMode off = GradMode.disabled()) {
            target = Scoped.keep(() -> ect.target(draw, pass));
        }
        NDArray loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            loss = Scoped.keep(() -> ect.perSample(draw, target, pass).mean());
            collector.backward(loss);
        }
        target.close();
        return loss;
    }

    /** Nothing to release: everything a step allocates dies with its sub-manager. */
    @Override
    public void close() {}
}
