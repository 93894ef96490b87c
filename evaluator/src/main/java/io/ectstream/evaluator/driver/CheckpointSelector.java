package io.ectstream.evaluator.driver;

import io.ectstream.schemas.CheckpointEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which checkpoints get evaluated. The sampler serves only the newest checkpoint of each run, so a
 * checkpoint that is already superseded when the driver reads it can no longer be sampled: of the events
 * read together (a backlog at start, or several in one poll) only the newest of each run is evaluated, and
 * an event no newer than one already seen is skipped. A checkpoint whose requests the sampler accepted is
 * scored to the end even if a newer one arrives meanwhile (the sampler keeps the model for its accepted
 * requests); see {@link EvaluationDriver} for requests that arrive too late.
 */
public final class CheckpointSelector {
    private final Map<String, Long> newestStep = new HashMap<>();

    /** The events to evaluate, in the order given, and notes every event as seen. */
    public List<CheckpointEvent> select(List<CheckpointEvent> events) {
        Map<String, CheckpointEvent> newest = new LinkedHashMap<>();
        for (CheckpointEvent event : events) {
            CheckpointEvent seen = newest.get(event.getRunId());
            if (seen == null || event.getStep() > seen.getStep()) {
                newest.put(event.getRunId(), event);
            }
        }
        List<CheckpointEvent> chosen = new ArrayList<>();
        for (CheckpointEvent event : newest.values()) {
            Long before = newestStep.get(event.getRunId());
            if (before == null || event.getStep() > before) {
                newestStep.put(event.getRunId(), event.getStep());
                chosen.add(event);
            }
        }
        return chosen;
    }

    /** Whether a newer checkpoint of the run than {@code step} was seen. */
    public boolean superseded(String runId, long step) {
        Long newest = newestStep.get(runId);
        return newest != null && newest > step;
    }
}
