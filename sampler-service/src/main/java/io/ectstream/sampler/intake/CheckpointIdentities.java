package io.ectstream.sampler.intake;

import io.ectstream.schemas.CheckpointEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * (run, step) names one checkpoint file forever: the first announcement of a step fixes its SHA-256, and a later one
 * with another SHA-256 is refused, live and after a restart alike. The checkpoints topic keeps every event (retention
 * unlimited), so reading it from the beginning rebuilds the same first announcements after a restart.
 */
final class CheckpointIdentities {
    private record Announced(String sha256, String uri) {}

    private final Map<String, Announced> first = new HashMap<>();

    /**
     * Records the event when it is the first of its (run, step).
     *
     * @return null when the event names the file its (run, step) was first announced with, else why it is refused
     */
    String conflict(CheckpointEvent event) {
        String checkpoint = event.getRunId() + "@" + event.getStep();
        Announced announced = new Announced(event.getSha256(), event.getCheckpointUri());
        Announced earlier = first.putIfAbsent(checkpoint, announced);
        if (earlier == null || earlier.sha256().equals(announced.sha256())) {
            return null;
        }
        return "checkpoint " + checkpoint + " announced again with another file: SHA-256 " + announced.sha256() + " ("
                + announced.uri() + ") is not SHA-256 " + earlier.sha256() + " (" + earlier.uri()
                + "), the file it was first announced with; a (run, step) names one file, the first one stays";
    }
}
