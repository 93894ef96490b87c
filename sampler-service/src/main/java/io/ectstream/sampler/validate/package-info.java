/** Checks every field of a GenerationRequest and resolves it into sampler settings, seed and result topic. */
package io.ectstream.sampler.validate;
