package io.ectstream.sampler;

/**
 * How long user requests may wait and how much user work may queue, and how many checkpoints of a run stay loaded.
 *
 * @param defaultDeadlineMs  deadline of a user request that names none (milliseconds from its record's timestamp);
 *                           0: none. Evaluation requests have no default deadline.
 * @param maxQueuedUserCost  network evaluations (see {@link io.ectstream.sampler.validate.RequestCost}) of the user
 *                           requests accepted and not yet generated; a user request that would pass it is refused at
 *                           once with OVERLOADED. {@link Long#MAX_VALUE}: no bound. Evaluation work is never shed.
 * @param recentVersions     checkpoints kept loaded per run: the newest (served to "latest") and the ones it superseded,
 *                           served to requests naming their exact step (an evaluation that waited while training went on)
 */
public record ServingLimits(long defaultDeadlineMs, long maxQueuedUserCost, int recentVersions) {
    public static final long DEFAULT_DEADLINE_MS = 30_000;
    public static final long DEFAULT_MAX_QUEUED_USER_COST = 2048;
    public static final int DEFAULT_RECENT_VERSIONS = 4;

    /** What {@code serve} uses unless told otherwise. */
    public static final ServingLimits DEFAULTS =
            new ServingLimits(DEFAULT_DEADLINE_MS, DEFAULT_MAX_QUEUED_USER_COST, DEFAULT_RECENT_VERSIONS);

    /** The behaviour before these limits existed: no deadline, no queue bound, only the newest checkpoint loaded. */
    public static final ServingLimits NONE = new ServingLimits(0, Long.MAX_VALUE, 1);

    public ServingLimits {
        if (defaultDeadlineMs < 0) {
            throw new IllegalArgumentException(
                    "the default deadline must be >= 0 ms (0: none), not " + defaultDeadlineMs);
        }
        if (maxQueuedUserCost < 1) {
            throw new IllegalArgumentException("max queued user cost must be >= 1, not " + maxQueuedUserCost);
        }
        if (recentVersions < 1) {
            throw new IllegalArgumentException("recent versions must be >= 1, not " + recentVersions);
        }
    }
}
