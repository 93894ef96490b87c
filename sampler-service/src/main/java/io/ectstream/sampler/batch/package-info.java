/**
 * Dynamic batching: requests are split into chunks of at most maxBatch images (each result carries
 * chunk index and count); chunks wait in one queue per (loaded model, sampler settings) and are cut
 * into batches when full or when they waited maxWaitMs and a generator is free.
 * Evaluation traffic has lower priority: its chunks never share a batch with user chunks, and a free
 * generator takes an evaluation batch only when no user batch is due. A user request therefore waits
 * behind at most the evaluation batches already running (one per generator thread), and evaluation
 * uses every gap in user traffic (strict priority: a saturating user load holds evaluation back).
 */
package io.ectstream.sampler.batch;
