/**
 * Dynamic batching: requests are split into chunks of at most maxBatch images (each result carries
 * chunk index and count); chunks wait in one queue per (loaded model, sampler settings) and are cut
 * into batches when full or when they waited maxWaitMs and a generator is free.
 * Evaluation traffic has lower priority but a guaranteed share: its chunks never share a batch with user chunks, a
 * free generator takes an evaluation batch when no user batch is due, and after N user batches in a row a waiting
 * evaluation batch goes next ({@link io.ectstream.sampler.batch.EvaluationShare}), so the j-th waiting evaluation
 * batch starts within (N + 1) * j + generator-threads batches whatever the user backlog.
 * {@link io.ectstream.sampler.batch.Backlog} holds the work accepted and not yet generated, per purpose: the pipeline
 * sheds user requests past its bound and reports it as metrics.
 */
package io.ectstream.sampler.batch;
