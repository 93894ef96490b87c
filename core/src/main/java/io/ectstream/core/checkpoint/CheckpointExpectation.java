package io.ectstream.core.checkpoint;

import io.ectstream.schemas.NetworkConfig;

/**
 * What a loader was told to expect (usually by a CheckpointEvent); a file that differs is rejected.
 * @param network the expected network configuration, or null to accept the file's own
 * @param step    the training step the file must record, or null to accept the file's own
 */
public record CheckpointExpectation(String sha256, long sizeBytes, NetworkConfig network, Long step) {
    public CheckpointExpectation(String sha256, long sizeBytes, NetworkConfig network) {
        this(sha256, sizeBytes, network, null);
    }
}
