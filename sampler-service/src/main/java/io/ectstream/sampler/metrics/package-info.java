/** Micrometer meters of the sampler, scraped as Prometheus text at GET /metrics. */
package io.ectstream.sampler.metrics;
