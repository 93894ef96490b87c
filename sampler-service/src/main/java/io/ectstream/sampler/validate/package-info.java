/**
 * Checks every field of a GenerationRequest and resolves it into sampler settings, seed and result topic; the reply
 * topic allow-list ({@link io.ectstream.sampler.validate.ReplyTopicPolicy}) and the cost of a request in network
 * evaluations ({@link io.ectstream.sampler.validate.RequestCost}).
 */
package io.ectstream.sampler.validate;
