/**
 * The loaded models: one active model per run, swapped atomically when a newer checkpoint loads;
 * reference counting keeps a swapped-out model until its in-flight batches finish. Checkpoints are
 * refused when their URI leaves the store root or their size or SHA-256 differs from the event.
 */
package io.ectstream.sampler.models;
