package io.ectstream.platform.kafka;

import java.util.List;

/** A service's start-up check found topics it needs missing on the cluster (or not visible to its user). */
public final class MissingTopicsException extends IllegalStateException {
    private final List<String> missing;

    public MissingTopicsException(String component, String bootstrapServers, List<String> missing) {
        super(component + " cannot start: Kafka at " + bootstrapServers + " has no topic " + String.join(", ", missing)
                + " (or this client may not describe it). Create them with `ectstream topics create` (same --kafka-config,"
                + " topic names and --bootstrap-servers), or pass the names this cluster uses.");
        this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
        return missing;
    }
}
