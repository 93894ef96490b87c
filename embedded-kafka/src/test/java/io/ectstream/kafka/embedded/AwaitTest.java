package io.ectstream.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AwaitTest {
    @Test
    void returnsOnceTheConditionHolds() throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        Await.until(() -> checks.incrementAndGet() == 3, Duration.ofSeconds(10), "the third check");
        assertEquals(3, checks.get());
    }

    @Test
    void failsNamingWhatItWaitedForAfterTheTimeout() {
        AssertionError e =
                assertThrows(AssertionError.class, () -> Await.until(() -> false, Duration.ofMillis(50), "a reply"));
        assertTrue(e.getMessage().contains("a reply"), e.getMessage());
    }
}
