/**
 * Dynamic batching: requests are split into chunks of at most maxBatch images (each result carries
 * chunk index and count); chunks wait in one queue per (loaded model, sampler settings) and are cut
 * into batches when full or when they waited maxWaitMs and a generator is free.
 */
package io.ectstream.sampler.batch;
