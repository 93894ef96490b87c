package io.ectstream.trainer.loop;

import ai.djl.Device;
import io.ectstream.core.checkpoint.CheckpointEvents;
import io.ectstream.core.checkpoint.CheckpointException;
import io.ectstream.core.checkpoint.CheckpointFormat;
import io.ectstream.core.checkpoint.CheckpointReader;
import io.ectstream.core.checkpoint.LoadedCheckpoint;
import io.ectstream.core.checkpoint.WrittenCheckpoint;
import io.ectstream.core.config.NetworkSpec;
import io.ectstream.core.data.ImageDataset;
import io.ectstream.core.device.Tf32;
import io.ectstream.core.sampling.ImageShape;
import io.ectstream.schemas.CheckpointEvent;
import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.TrainingConfig;
import io.ectstream.trainer.loop.RunPlan.Stretch;
import io.ectstream.trainer.loop.TrainingCheckpoints.Position;
import io.ectstream.trainer.publish.TrainingEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RunPlan} (diffusion pretraining, ECT tuning, or both in a row) on one device, or data-parallel on
 * several ({@link DataParallelStep}). Resumes from
 * the newest checkpoint of the run when there is one: same schedule (stage from the phase iteration), same
 * data order (from the images seen) and same noise (the engine is reseeded from (seed, step) every step).
 * Each step runs in its own sub-manager and reads nothing back from the device unless it logs or checkpoints.
 *
 * <p>Duplicates: a resumed run continues after its newest checkpoint, so it never writes or announces a
 * step that already has a checkpoint; a step is announced once, right after its file is durable. (A kill
 * between the file and the event loses that one event: {@code republish} announces it again, and consumers
 * key checkpoints by (run, step).) Only when the newest file is unreadable and an older one is used are
 * the later steps written, and announced, a second time.
 */
public final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    private final TrainingConfig config;
    private final RunPlan plan;
    private final ImageDataset dataset;
    private final TrainingCheckpoints checkpoints;
    private final List<Device> devices;
    private final TrainingEvents events;
    private final Path initCheckpoint;
    private final NonFiniteGradients nonFinite;

    /**
     * @param storeRoot      checkpoint store root; this run's files go to {@code <storeRoot>/<runId>/}
     * @param initCheckpoint for a fresh run: a checkpoint whose EMA initialises student and EMA (null: none)
     */
    public TrainingLoop(
            TrainingConfig config,
            RunPlan plan,
            ImageDataset dataset,
            Path storeRoot,
            Device device,
            TrainingEvents events,
            Path initCheckpoint) {
        this(config, plan, dataset, storeRoot, List.of(device), events, initCheckpoint);
    }

    /**
     * Several devices train data-parallel ({@link DataParallelStep}): one replica per device, the first one's EMA,
     * checkpoints and progress are the run's. Every phase's batch must divide evenly by the device count.
     */
    public TrainingLoop(
            TrainingConfig config,
            RunPlan plan,
            ImageDataset dataset,
            Path storeRoot,
            List<Device> devices,
            TrainingEvents events,
            Path initCheckpoint) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no device to train on");
        }
        for (Stretch stretch : plan.stretches()) {
            DataParallelStep.shardSize(stretch.config().batch(), devices.size());
        }
        this.config = config;
        this.plan = plan;
        this.dataset = dataset;
        this.checkpoints = new TrainingCheckpoints(
                storeRoot, config.runId(), devices.stream().anyMatch(Device::isGpu) && Tf32.allowed());
        this.devices = List.copyOf(devices);
        this.events = events == null ? TrainingEvents.NONE : events;
        this.initCheckpoint = initCheckpoint;
        this.nonFinite = new NonFiniteGradients(config.nonFiniteGradients().maxConsecutiveSteps());
        if (!dataset.shape()
                .equals(new ImageShape(
                        config.network().inChannels(),
                        config.network().imgResolution(),
                        config.network().imgResolution()))) {
            throw new IllegalArgumentException("dataset images are " + dataset.shape() + ", the network expects "
                    + config.network().inChannels() + "x" + config.network().imgResolution() + "x"
                    + config.network().imgResolution());
        }
    }

    /** Where the run ended: steps done, images seen, the last checkpoint written (null if none). */
    public record Result(long step, long imagesSeen, Path lastCheckpoint) {}

    /** Gradient values the guard replaced since the run began, as of the last progress line (any thread). */
    public long nonFiniteGradientValues() {
        return nonFinite.totals().values();
    }

    private java.util.function.BooleanSupplier stopRequested = () -> false;

    /** Ends the run after the step in progress once this says so (SIGTERM); it resumes from its last checkpoint. */
    public TrainingLoop stopWhen(java.util.function.BooleanSupplier stopRequested) {
        this.stopRequested = stopRequested;
        return this;
    }

    public Result run() throws IOException, CheckpointException {
        return run(Long.MAX_VALUE);
    }

    /** Runs until the plan is done or {@code stopAtStep} steps are complete (a stand-in for a kill in tests). */
    public Result run(long stopAtStep) throws IOException, CheckpointException {
        Optional<LoadedCheckpoint> newest = checkpoints.newest();
        Phase startPhase = newest.map(c -> c.metadata().phase())
                .orElse(plan.stretches().get(0).phase());
        TrainingModel model = new TrainingModel(config.networkFor(startPhase), devices.get(0), config.seed());
        List<TrainingModel> replicas = new ArrayList<>();
        StepRunner trainingStep = null;
        try {
            LossMeter progressLoss = new LossMeter(model.manager());
            LossMeter checkpointLoss = new LossMeter(model.manager());
            Position at = start(model, newest);
            Stretch current = stretchOf(at.phase());
            replicate(model, replicas, current);
            trainingStep = stepFor(model, replicas);
            long step = at.step();
            long imagesSeen = at.imagesSeen();
            ProgressMeter meter = new ProgressMeter(imagesSeen);
            Path last = null;
            LOG.info(
                    "run {}: {} steps, {} images, on {}; starting at step {}",
                    config.runId(),
                    plan.totalSteps(),
                    plan.totalImages(),
                    devices.size() == 1 ? devices.get(0) : devices + " (data-parallel)",
                    step);
            while (step < plan.totalSteps() && step < stopAtStep && !stopRequested.getAsBoolean()) {
                Stretch stretch = plan.at(step);
                if (stretch.phase() != current.phase()) {
                    NetworkSpec next = config.networkFor(stretch.phase());
                    if (next.equals(model.spec())) {
                        model.studentFromEma();
                    } else {
                        // the meters are empty: a phase ends with a progress line and a checkpoint
                        TrainingModel rebuilt = model.rebuiltFromEma(next);
                        model.close();
                        model = rebuilt;
                        closeReplicas(replicas);
                        progressLoss = new LossMeter(model.manager());
                        checkpointLoss = new LossMeter(model.manager());
                    }
                    model.newOptimizer(stretch.config());
                    replicate(model, replicas, stretch);
                    trainingStep.close();
                    trainingStep = stepFor(model, replicas);
                    current = stretch;
                    LOG.info(
                            "phase {} starts at step {}: student and EMA initialised from the teacher's EMA"
                                    + " (network dropout {})",
                            stretch.phase(),
                            step,
                            next.dropout());
                }
                StepRunner.Outcome outcome = trainingStep.run(stretch, step, imagesSeen);
                progressLoss.add(outcome.loss());
                checkpointLoss.add(outcome.loss());
                outcome.loss().close();
                nonFinite.add(step, outcome.nonFiniteGradientValues());
                step++;
                imagesSeen += stretch.config().batch();
                int stage = stageAfter(stretch, step);
                boolean phaseEnds = step == stretch.endStep();
                if (step % config.log().everySteps() == 0 || phaseEnds) {
                    ProgressMeter.Report report = meter.report(
                            config.runId(),
                            step,
                            plan.totalSteps(),
                            imagesSeen,
                            plan.totalImages(),
                            stretch.phase(),
                            stage,
                            progressLoss.take().mean(),
                            nonFinite.read().values());
                    LOG.info(report.line());
                    publish(() -> events.progress(report.event()));
                }
                if (step % config.checkpoint().everySteps() == 0 || phaseEnds) {
                    Position position = new Position(step, imagesSeen, stretch.phase(), stage, stretch.startStep());
                    last = checkpoint(model, position, checkpointLoss.take());
                }
            }
            return new Result(step, imagesSeen, last);
        } finally {
            if (trainingStep != null) {
                trainingStep.close();
            }
            closeReplicas(replicas);
            model.close();
        }
    }

    private StepRunner stepFor(TrainingModel model, List<TrainingModel> replicas) {
        DataFeed feed = new DataFeed(dataset, config.seed());
        if (replicas.isEmpty()) {
            return new TrainingStep(model, feed, config.seed(), config.network().sigmaData());
        }
        List<TrainingModel> all = new ArrayList<>();
        all.add(model);
        all.addAll(replicas);
        return new DataParallelStep(all, feed, config.seed(), config.network().sigmaData());
    }

    /**
     * Makes the replicas on devices 2.. copies of {@code model} (weights and optimizer state, the phase's optimizer
     * kind), building them first where there are none: weights are copied, never drawn per device.
     */
    private void replicate(TrainingModel model, List<TrainingModel> replicas, Stretch stretch) {
        if (replicas.isEmpty()) {
            for (Device device : devices.subList(1, devices.size())) {
                replicas.add(new TrainingModel(model.spec(), device, config.seed()));
            }
        }
        for (TrainingModel replica : replicas) {
            replica.newOptimizer(stretch.config());
            replica.copyFrom(model);
        }
    }

    private static void closeReplicas(List<TrainingModel> replicas) {
        replicas.forEach(TrainingModel::close);
        replicas.clear();
    }

    private Position start(TrainingModel model, Optional<LoadedCheckpoint> newest)
            throws IOException, CheckpointException {
        if (newest.isPresent()) {
            LoadedCheckpoint checkpoint = newest.get();
            var meta = checkpoint.metadata();
            requireSameWeights(meta.network(), "resume checkpoint step " + meta.step());
            TrainingConfig stored = TrainingCheckpoints.configOf(meta);
            if (!stored.equals(config)) {
                LOG.warn(
                        "run {} resumes with a configuration that differs from the one its checkpoints were"
                                + " written with; the new one applies from step {}",
                        config.runId(),
                        meta.step());
            }
            if (initCheckpoint != null) {
                LOG.info(
                        "--init {} is ignored: run {} already has checkpoints and resumes from them",
                        initCheckpoint,
                        config.runId());
            }
            Stretch stretch = stretchOf(meta.phase());
            model.newOptimizer(stretch.config());
            Position at = TrainingCheckpoints.restore(model, checkpoint);
            nonFinite.resumeFrom(TrainingCheckpoints.nonFiniteTotals(meta));
            LOG.info(
                    "resuming run {} from {} (step {}, {} images, phase {}, stage {})",
                    config.runId(),
                    checkpoints.relativeUri(at.step()),
                    at.step(),
                    at.imagesSeen(),
                    at.phase(),
                    at.stage());
            return at;
        }
        Stretch first = plan.stretches().get(0);
        model.newOptimizer(first.config());
        if (initCheckpoint != null) {
            LoadedCheckpoint teacher = CheckpointReader.read(initCheckpoint, null, Set.of(CheckpointFormat.GROUP_EMA));
            requireSameWeights(teacher.metadata().network(), "--init checkpoint " + initCheckpoint);
            model.initFromEma(teacher.group(CheckpointFormat.GROUP_EMA));
            LOG.info(
                    "student and EMA initialised from the EMA of {} (run {}, step {})",
                    initCheckpoint,
                    teacher.metadata().runId(),
                    teacher.metadata().step());
        }
        return new Position(0, 0, first.phase(), 0, 0);
    }

    private Path checkpoint(TrainingModel model, Position position, LossMeter.Reading reading)
            throws IOException, CheckpointException {
        if (reading.allNonFinite()) {
            // Weights can blow up to huge finite values that give NaN losses: the loss is the reliable signal.
            throw new NonFiniteWeightsException(
                    "training diverged: every loss of the " + reading.steps() + " steps before step "
                            + position.step()
                            + " is non-finite; this checkpoint is not written or announced. Resume from the newest good"
                            + " checkpoint with a lower learning rate or a learning-rate ramp-up (--set <phase>.optimizer.rampupKimg=...)");
        }
        if (reading.nonFinite() > 0) {
            LOG.warn(
                    "{} of the {} steps before step {} had a non-finite loss; their gradients were zeroed (the step"
                            + " only decayed the optimizer moments)",
                    reading.nonFinite(),
                    reading.steps(),
                    position.step());
        }
        double loss = reading.mean();
        WrittenCheckpoint written = checkpoints.write(model, config, position, loss, nonFinite.read());
        // read back from the header just written, as a republish of the file will
        CheckpointEvent event = CheckpointEvents.of(
                CheckpointReader.readMetadata(written.file()),
                checkpoints.relativeUri(position.step()),
                written.sizeBytes(),
                written.sha256());
        publish(() -> events.checkpointWritten(event));
        return written.file();
    }

    private void publish(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("training event could not be handed over (training continues): {}", e.toString());
        }
    }

    private int stageAfter(Stretch stretch, long completedSteps) {
        if (stretch.phase() != Phase.ECT) {
            return 0;
        }
        return stretch.config().schedule().stage(completedSteps - 1 - stretch.startStep());
    }

    private Stretch stretchOf(Phase phase) throws CheckpointException {
        return plan.stretches().stream()
                .filter(s -> s.phase() == phase)
                .findFirst()
                .orElseThrow(
                        () -> new CheckpointException(
                                "the run's checkpoints are from phase " + phase
                                        + ", which this command does not train (use the command that wrote them, or another --run-dir)"));
    }

    /**
     * The checkpoint's weights must fit the configured network; dropout may differ (it changes no weight: a
     * teacher trained with 0.13 can be tuned with 0.2, and a run may resume with another phase dropout).
     */
    private void requireSameWeights(NetworkSpec found, String what) throws CheckpointException {
        NetworkSpec expected = config.network();
        if (!found.withDropout(0).equals(expected.withDropout(0))) {
            throw new CheckpointException(what + " holds network " + found + ", the configuration asks for " + expected
                    + " (only dropout may differ)");
        }
    }
}
