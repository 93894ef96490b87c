package io.ectstream.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ectstream.kafka.embedded.BrokerTest;
import io.ectstream.kafka.embedded.KafkaCluster;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 22: a cluster that does not answer is one outage (one line), however often it is looked at. */
@BrokerTest
class BrokerWatchTest {

    @Test
    void anUnreachableBrokerIsOneOutageNotOneWarningPerAttempt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        try (BrokerWatch watch = new BrokerWatch(KafkaClientSettings.of("127.0.0.1:" + port), Duration.ofMillis(500))) {
            watch.check();
            watch.check();
            watch.check();
            assertFalse(watch.reachable());
            assertEquals(1, watch.outages());
        }
    }

    @Test
    void aRunningBrokerIsReachable(KafkaCluster kafka) {
        try (BrokerWatch watch =
                new BrokerWatch(KafkaClientSettings.of(kafka.bootstrapServers()), Duration.ofSeconds(30))) {
            watch.check();
            assertTrue(watch.reachable());
            assertEquals(0, watch.outages());
        }
    }
}
