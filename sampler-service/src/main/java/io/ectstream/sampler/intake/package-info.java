/**
 * Kafka consumers: GenerationRequests in a consumer group (instances share partitions), and
 * CheckpointEvents read in full by every instance (no group).
 *
 * <h2>Delivery: at-least-once with manual commits</h2>
 * Auto-commit is off. Each received record's offset is tracked per partition
 * ({@link io.ectstream.sampler.intake.OffsetTracker}); it counts as answered only when the broker
 * acknowledged (acks=all, idempotent producer) every result chunk written for it, or the
 * GenerationError that answers it. The committed position of a partition is the lowest unanswered
 * offset, so it never passes a request that was not answered, even though requests finish out of
 * order. If the service dies (or loses a partition) mid-batch, the next owner of the partition gets
 * the unanswered requests again: none is lost, and a request whose results were written just before the
 * crash may be answered twice (same bytes, since generation is deterministic given seed and model).
 * Clients deduplicate by request id and chunk index. A result that cannot be written (e.g. to a
 * reply topic that does not exist) is answered with a GenerationError instead. Kafka transactions
 * were not chosen: the answer may go to a per-request reply topic and the HTTP path shares the
 * pipeline, and at-least-once with deterministic outputs gives the same observable result to a
 * deduplicating client at a lower cost.
 *
 * <h2>Evaluation traffic</h2>
 * Requests with purpose EVALUATION (the evaluation driver's) are counted apart from user requests:
 * the consumer pauses at maxInFlightRequests unanswered user requests or at
 * maxInFlightEvaluationRequests (default 1024) unanswered evaluation requests. Evaluation requests wait
 * behind user batches, so sharing one budget would let a large evaluation keep user requests unread.
 * Because the whole evaluation of a checkpoint is accepted at once, it holds a reference to that model
 * version and is served to the end even if a newer checkpoint becomes active meanwhile.
 */
package io.ectstream.sampler.intake;
