package io.ectstream.evaluator.driver;

import java.util.LinkedHashMap;
import java.util.Map;

/** The checkpoints ({@code <run>@<step>}) the sampler reported it could not load, with its reason; the newest 1,000. */
final class RejectedCheckpoints {
    private static final int KEPT = 1000;

    private final Map<String, String> reasons = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > KEPT;
        }
    };

    void add(String checkpoint, String reason) {
        reasons.put(checkpoint, reason);
    }

    /** Why the sampler rejected the checkpoint, or null when it did not (as far as the driver read). */
    String reason(String checkpoint) {
        return reasons.get(checkpoint);
    }
}
