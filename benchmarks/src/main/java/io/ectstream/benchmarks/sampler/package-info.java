/** The sampler benchmark (not a test): Kafka end-to-end vs in-process images/s, and 1-image latency. */
package io.ectstream.benchmarks.sampler;
