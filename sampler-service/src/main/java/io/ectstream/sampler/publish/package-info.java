/**
 * Writes GenerationResults (default results topic or the request's reply topic, once known to exist) and
 * GenerationErrors to Kafka.
 */
package io.ectstream.sampler.publish;
