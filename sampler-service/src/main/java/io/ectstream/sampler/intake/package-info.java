/**
 * Kafka consumers: GenerationRequests in consumer groups (instances share partitions), and CheckpointEvents read
 * in full by every instance (no group).
 *
 * <h2>Delivery: at-least-once with manual commits</h2>
 * Auto-commit is off. Each received record's offset is tracked per partition
 * ({@link io.ectstream.sampler.intake.OffsetTracker}); it counts as answered only when the broker
 * acknowledged (acks=all, idempotent producer) every result chunk written for it, or the
 * GenerationError that answers it. The committed position of a partition is the lowest unanswered
 * offset, so it never passes a request that was not answered, even though requests finish out of order.
 * <p>
 * Rebalances are cooperative (CooperativeStickyAssignor): only the partitions that move are revoked. The
 * consumer of each topic runs on a thread of its own ({@link io.ectstream.sampler.intake.RecordFeed}) so that a
 * revocation can wait, up to 10 s, for the revoked partitions' requests to be answered and commit them before
 * the partitions change hands; records of a revoked partition fetched but not yet taken are left to the next
 * owner. A graceful stop does the same for every partition. Requests still unanswered when the wait ends, and
 * those in flight when an instance crashes or is dropped from its group, are answered again by the next owner
 * (same bytes, since generation is deterministic given seed and model): clients deduplicate by request id and
 * chunk index.
 * <p>
 * A result the broker did not acknowledge for a retriable reason (the broker away) is sent again while this
 * instance owns the partition, and is never answered with an error: the first attempt may have been written,
 * and a redelivered request answered with a result, so an error would give the client both. Only a
 * non-retriable failure (a record too large for the reply topic, say) is answered with a GenerationError. Kafka
 * transactions were not chosen: the answer may go to a per-request reply topic and the HTTP path shares the
 * pipeline, and at-least-once with deterministic outputs gives the same observable result to a deduplicating
 * client at a lower cost.
 * <p>
 * A request record larger than 1 MiB is refused unread (INVALID_REQUEST); an error record never copies more
 * than 256 KiB of the input (it names the input's size and SHA-256 instead), so every input gets an error that
 * fits the errors topic and its offset moves on.
 *
 * <h2>Evaluation traffic</h2>
 * The evaluation driver's requests come on their own topic (default ect.eval.requests), read in group
 * {@code <group>-evaluation} with its own in-flight budget (maxInFlightEvaluationRequests, default 1024).
 * Every request read from it is EVALUATION traffic and every request of the user requests topic is USER
 * traffic, whatever its purpose field says: only who may write to the evaluation topic (ACLs) decides what
 * counts in the evaluation FID. Evaluation batches wait behind user batches but keep their share of the
 * generator ({@link io.ectstream.sampler.batch.EvaluationShare}). Because the whole evaluation of a checkpoint
 * is accepted at once, it holds a reference to that model version and is served to the end even if a newer
 * checkpoint becomes active meanwhile.
 */
package io.ectstream.sampler.intake;
