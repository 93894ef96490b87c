package io.ectstream.evaluator.driver;

import io.ectstream.schemas.CheckpointEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which checkpoints get evaluated, and in which order. Every checkpoint is evaluated once, superseded ones
 * too: none is dropped silently. Of the events read together (a backlog at start, or several in one poll),
 * the newest of each run comes first (the one users are served now, so the sampler surely holds it), then the
 * older ones in step order; a redelivered event is skipped. Whether an older one can still be sampled is the
 * sampler's answer: if it cannot, {@link EvaluationDriver} ends that evaluation with the reason.
 */
public final class CheckpointSelector {
    private final Set<String> selected = new HashSet<>();

    /** The events to evaluate, and notes every event as seen. */
    public List<CheckpointEvent> select(List<CheckpointEvent> events) {
        Map<String, List<CheckpointEvent>> byRun = new LinkedHashMap<>();
        for (CheckpointEvent event : events) {
            if (selected.add(EvaluationRequests.checkpoint(event.getRunId(), event.getStep()))) {
                byRun.computeIfAbsent(event.getRunId(), r -> new ArrayList<>()).add(event);
            }
        }
        List<CheckpointEvent> chosen = new ArrayList<>();
        byRun.forEach((run, fresh) -> {
            fresh.sort(Comparator.comparingLong(CheckpointEvent::getStep));
            CheckpointEvent newest = fresh.remove(fresh.size() - 1);
            chosen.add(newest);
            chosen.addAll(fresh);
        });
        return chosen;
    }
}
