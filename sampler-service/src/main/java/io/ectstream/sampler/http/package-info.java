/**
 * Vert.x Web API: POST /v1/generate (strict JSON, body limit, no uploads, in-flight cost limit with 429),
 * GET /v1/models, GET /health, GET /ready, GET /metrics (Prometheus).
 */
package io.ectstream.sampler.http;
