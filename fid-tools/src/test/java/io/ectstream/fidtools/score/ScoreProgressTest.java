package io.ectstream.fidtools.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScoreProgressTest {
    @Test
    void atMostOneLinePerIntervalAndNoneForTheLastBatch() {
        long[] now = {0};
        ScoreProgress progress = new ScoreProgress("x", 100, 10, () -> now[0]);
        for (int done = 10; done <= 100; done += 10) {
            now[0] += 4; // a batch every 4 ns: lines at 12 (done 30), 24 (done 60), 36 (done 90); done 100 is the end
            progress.update(done);
        }
        assertEquals(3, progress.lines());
        assertEquals(40e-9, progress.elapsedSeconds(), 1e-15);
    }

    @Test
    void durationsPrintAsHoursMinutesSeconds() {
        assertEquals("1:01:05", ScoreProgress.formatDuration(3665));
        assertEquals("0:00:09", ScoreProgress.formatDuration(9));
    }
}
