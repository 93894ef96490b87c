/**
 * Forward passes on worker threads (never an event loop). Image i of a request uses
 * NoiseSeeds.forImage(requestSeed, i), so its bytes do not depend on the batch that carried it.
 */
package io.ectstream.sampler.generate;
