/** picocli commands: serve, generate (a Kafka client writing PNGs), bench-sampler. */
package io.ectstream.sampler.cli;
