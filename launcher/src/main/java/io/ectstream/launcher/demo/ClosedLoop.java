package io.ectstream.launcher.demo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The load generator's pacing, kept apart from Kafka: at most {@code maxInFlight} requests unanswered, one
 * offered per tick of the target rate and sent only under that bound. The achieved rate (requests sent per
 * second over each report window) is compared with the target once per window; a line is returned only when
 * it changes: falls below target, moves while below by {@value #CHANGE} of the target, or is back on target. A request unanswered for
 * {@code giveUpMs} no longer holds its slot (the sampler lost it, or its answer went elsewhere). Time is passed in.
 */
final class ClosedLoop {
    /** Below this share of the target, the achieved rate is reported. */
    static final double ON_TARGET = 0.9;
    /** A rate below target is reported again when it moved by this share of the target since the last line. */
    static final double CHANGE = 0.1;

    private final int maxInFlight;
    private final double targetPerSecond;
    private final long windowMs;
    private final long giveUpMs;
    private final Map<String, Long> inFlight = new LinkedHashMap<>();
    private long windowStartMs = -1;
    private long sentInWindow;
    private long sent;
    private long answered;
    private long givenUp;
    private int mostInFlight;
    private double reported = Double.NaN; // the achieved rate last reported below target; NaN while on target

    ClosedLoop(int maxInFlight, double targetPerSecond, long windowMs, long giveUpMs) {
        if (maxInFlight < 1 || !(targetPerSecond > 0) || windowMs < 1 || giveUpMs < 1) {
            throw new IllegalArgumentException(
                    "in-flight bound, target rate, report window and give-up time must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.targetPerSecond = targetPerSecond;
        this.windowMs = windowMs;
        this.giveUpMs = giveUpMs;
    }

    /** Whether request {@code id} may be sent now; if so it counts as in flight from {@code nowMs}. */
    synchronized boolean tryStart(String id, long nowMs) {
        if (windowStartMs < 0) {
            windowStartMs = nowMs;
        }
        inFlight.values().removeIf(sentMs -> {
            boolean old = nowMs - sentMs >= giveUpMs;
            givenUp += old ? 1 : 0;
            return old;
        });
        if (inFlight.size() >= maxInFlight) {
            return false;
        }
        inFlight.put(id, nowMs);
        mostInFlight = Math.max(mostInFlight, inFlight.size());
        sent++;
        sentInWindow++;
        return true;
    }

    /** A result or error for {@code id}: frees its slot once; false when it was not in flight. */
    synchronized boolean answered(String id) {
        if (inFlight.remove(id) == null) {
            return false;
        }
        answered++;
        return true;
    }

    /** At the end of each report window, the line to log when the achieved rate changed (see the class comment), else null. */
    synchronized String report(long nowMs) {
        if (windowStartMs < 0 || nowMs - windowStartMs < windowMs) {
            return null;
        }
        double achieved = sentInWindow * 1000.0 / (nowMs - windowStartMs);
        windowStartMs = nowMs;
        sentInWindow = 0;
        boolean onTarget = achieved >= ON_TARGET * targetPerSecond;
        boolean wasOnTarget = Double.isNaN(reported);
        if (onTarget == wasOnTarget && (onTarget || Math.abs(achieved - reported) < CHANGE * targetPerSecond)) {
            return null;
        }
        reported = onTarget ? Double.NaN : achieved;
        return onTarget
                ? String.format(Locale.ROOT, "user load back on target: %.1f requests/s", targetPerSecond)
                : String.format(
                        Locale.ROOT,
                        "user load below target: %.1f requests/s achieved of %.1f requested"
                                + " (%d in flight at most, the sampler answers slower)",
                        achieved,
                        targetPerSecond,
                        maxInFlight);
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    /** The most requests ever in flight at once. */
    synchronized int mostInFlight() {
        return mostInFlight;
    }

    synchronized long sent() {
        return sent;
    }

    synchronized long answered() {
        return answered;
    }

    /** Requests whose slot was freed after {@code giveUpMs} without an answer. */
    synchronized long givenUp() {
        return givenUp;
    }
}
