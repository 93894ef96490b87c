package io.ectstream.core.checkpoint;

import java.nio.file.Path;

/** A checkpoint that is durable on disk: its final path, size and hex SHA-256 (for the CheckpointEvent). */
public record WrittenCheckpoint(Path file, long sizeBytes, String sha256) {}
