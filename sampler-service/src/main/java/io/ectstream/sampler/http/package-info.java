/** Vert.x Web API: POST /v1/generate, GET /v1/models, GET /health, GET /metrics (Prometheus). */
package io.ectstream.sampler.http;
