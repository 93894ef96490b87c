package io.ectstream.evaluator.stream;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether the application's stream threads keep failing: {@link #FAILURES_BEFORE_UNREADY} failures with no commit
 * in between say so (a record that fails every time it is read, a topic that refuses every write), and the next
 * commit of any thread says it ended. One failure alone does not: Streams replaces the thread and goes on.
 *
 * <p>Progress is read from the commit counts of the stream threads (thread id to commits so far); a replaced thread
 * has a new id and starts from zero.
 */
final class StreamThreadFailures {
    static final int FAILURES_BEFORE_UNREADY = 3;

    private final Map<String, Double> commitsAtLastFailure = new HashMap<>();
    private int failuresWithoutCommit;
    private long failures;

    /** A stream thread failed; {@code commits} are the threads' commit counts now. */
    synchronized void failed(Map<String, Double> commits) {
        progressed(commits);
        failures++;
        failuresWithoutCommit++;
        commitsAtLastFailure.clear();
        commitsAtLastFailure.putAll(commits);
    }

    /** True while the threads have failed {@link #FAILURES_BEFORE_UNREADY} times or more without a commit. */
    synchronized boolean keepFailing(Map<String, Double> commits) {
        progressed(commits);
        return failuresWithoutCommit >= FAILURES_BEFORE_UNREADY;
    }

    synchronized long failures() {
        return failures;
    }

    synchronized int failuresWithoutCommit() {
        return failuresWithoutCommit;
    }

    private void progressed(Map<String, Double> commits) {
        boolean committed = commits.entrySet().stream()
                .anyMatch(c -> c.getValue() > commitsAtLastFailure.getOrDefault(c.getKey(), 0.0));
        if (committed) {
            failuresWithoutCommit = 0;
            commitsAtLastFailure.clear();
            commitsAtLastFailure.putAll(commits);
        }
    }
}
