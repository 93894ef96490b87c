package io.ectstream.core.device;

/** Something that keeps the GPU from being used, and the exact fix. */
public record DeviceProblem(String what, String fix) {}
