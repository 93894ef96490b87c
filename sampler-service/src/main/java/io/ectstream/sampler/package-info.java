/**
 * The sampler service. The request path, one package per step:
 * {@code intake} (Kafka consumers) -> {@code validate} -> {@code batch} (dynamic batching, chunks)
 * -> {@code generate} (forward passes on worker threads) -> {@code publish} (results and errors to Kafka);
 * {@code models} holds the loaded checkpoints, {@code http} is the HTTP face of the same pipeline,
 * {@code cli} the commands. {@link io.ectstream.sampler.RequestPipeline} shows the path in one screen;
 * {@link io.ectstream.sampler.SamplerService} wires it.
 */
package io.ectstream.sampler;
