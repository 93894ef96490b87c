package io.ectstream.evaluator.stream;

/** Feature vectors of the images of one result record, with the group they belong to. */
public record FeatureBatch(SampleGroup group, float[][] features) {}
