/** A blocking Kafka client of the sampler (send requests, collect their chunks or errors). */
package io.ectstream.sampler.client;
