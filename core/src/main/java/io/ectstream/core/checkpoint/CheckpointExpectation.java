package io.ectstream.core.checkpoint;

import io.ectstream.schemas.NetworkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a loader was told to expect (usually by a CheckpointEvent); a file that differs is rejected.
 * @param network      the expected network configuration, or null to accept the file's own
 * @param step         the training step the file must record, or null to accept the file's own
 * @param bytesChecked the file's size and SHA-256 were already checked ({@link #checkBytes}): the reader
 *                     does not hash it a second time
 */
public record CheckpointExpectation(
        String sha256, long sizeBytes, NetworkConfig network, Long step, boolean bytesChecked) {
    public CheckpointExpectation(String sha256, long sizeBytes, NetworkConfig network, Long step) {
        this(sha256, sizeBytes, network, step, false);
    }

    public CheckpointExpectation(String sha256, long sizeBytes, NetworkConfig network) {
        this(sha256, sizeBytes, network, null);
    }

    /**
     * Reads {@code file} once and checks its size and SHA-256 against this expectation; returns the expectation
     * marked as checked, so that loading the same file does not hash it again.
     */
    public CheckpointExpectation checkBytes(Path file) throws CheckpointException {
        Sha256.FileDigest digest;
        try {
            long size = Files.size(file);
            if (size != sizeBytes) {
                throw new CheckpointException("checkpoint " + file + " has " + size + " bytes, expected " + sizeBytes);
            }
            digest = Sha256.of(file);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (digest.sizeBytes() != sizeBytes) {
            throw new CheckpointException(
                    "checkpoint " + file + " has " + digest.sizeBytes() + " bytes, expected " + sizeBytes);
        }
        if (sha256 == null || !sha256.equalsIgnoreCase(digest.sha256())) {
            throw new CheckpointException(
                    "checkpoint " + file + " has SHA-256 " + digest.sha256() + ", expected " + sha256);
        }
        return new CheckpointExpectation(digest.sha256(), sizeBytes, network, step, true);
    }
}
