/** Writes GenerationResults (default results topic or the request's reply topic) and GenerationErrors to Kafka. */
package io.ectstream.sampler.publish;
