package io.ectstream.trainer.loop;

import io.ectstream.schemas.Phase;
import io.ectstream.trainer.config.PhaseConfig;
import io.ectstream.trainer.config.TrainingConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The phases of a run laid end to end on one step axis: a phase starts where the previous one ended.
 * Steps and images seen count across phases; the ECT iteration (for the stage) counts from the phase start.
 */
public record RunPlan(List<Stretch> stretches) {

    /** One phase on the step axis: steps [startStep, endStep), images [startImages, ...). */
    public record Stretch(Phase phase, PhaseConfig config, long startStep, long startImages) {
        public long endStep() {
            return startStep + config.iterations();
        }

        public long endImages() {
            return startImages + config.images();
        }

        public boolean contains(long step) {
            return step >= startStep && step < endStep();
        }
    }

    public RunPlan {
        stretches = List.copyOf(stretches);
        if (stretches.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one phase with kimg > 0");
        }
    }

    /** Diffusion pretraining then ECT tuning, skipping a phase with kimg 0. */
    public static RunPlan pipeline(TrainingConfig config) {
        List<Stretch> list = new ArrayList<>();
        long step = 0;
        long images = 0;
        for (Phase phase : List.of(Phase.PRETRAIN, Phase.ECT)) {
            PhaseConfig pc = phase == Phase.PRETRAIN ? config.pretrain() : config.ect();
            if (pc.iterations() > 0) {
                list.add(new Stretch(phase, pc, step, images));
                step += pc.iterations();
                images += pc.images();
            }
        }
        return new RunPlan(list);
    }

    /** A single phase. */
    public static RunPlan single(TrainingConfig config, Phase phase) {
        PhaseConfig pc = phase == Phase.PRETRAIN ? config.pretrain() : config.ect();
        if (pc.iterations() < 1) {
            throw new IllegalArgumentException(phase.name().toLowerCase() + ".kimg must be > 0 to train that phase");
        }
        return new RunPlan(List.of(new Stretch(phase, pc, 0, 0)));
    }

    public long totalSteps() {
        return stretches.get(stretches.size() - 1).endStep();
    }

    public long totalImages() {
        return stretches.get(stretches.size() - 1).endImages();
    }

    /** The stretch that runs {@code step}; null when the run is complete. */
    public Stretch at(long step) {
        for (Stretch stretch : stretches) {
            if (stretch.contains(step)) {
                return stretch;
            }
        }
        return null;
    }
}
